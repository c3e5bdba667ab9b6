package dev.caravan.catalog;

import java.util.List;

/**
 * A {@code creator/model} the gateway serves. {@code providers} lists who serves it, in default order, under which
 * provider model id. Prices are USD per million tokens. {@code type} is what the model does, in the AI SDK's words:
 * {@value #LANGUAGE} (the default: chat, and images in a chat answer for models with the {@code image-output}
 * capability), {@value #EMBEDDING} ({@code /v1/embeddings} only) or {@value #IMAGE} ({@code /v1/images/generations}
 * only); each API refuses a model of another type with a clear error rather than a provider's 404.
 */
public record ModelEntry(
        String id,
        String name,
        String type,
        Integer contextWindow,
        Integer maxOutputTokens,
        List<String> capabilities,
        Pricing pricing,
        List<Offer> providers) {

    public static final String LANGUAGE = "language";
    public static final String EMBEDDING = "embedding";
    public static final String IMAGE = "image";
    /** A language model that can answer with images (Gemini's image models): it serves image generation too. */
    public static final String IMAGE_OUTPUT = "image-output";

    public ModelEntry {
        type = type == null ? LANGUAGE : type;
    }

    /** A language model, as every entry was before models had a type. */
    public ModelEntry(String id, String name, Integer contextWindow, Integer maxOutputTokens,
                      List<String> capabilities, Pricing pricing, List<Offer> providers) {
        this(id, name, LANGUAGE, contextWindow, maxOutputTokens, capabilities, pricing, providers);
    }

    public String creator() {
        return id.substring(0, id.indexOf('/'));
    }

    /** The ids of the providers that serve it, each once, in catalog order. */
    public List<String> providerIds() {
        return providers.stream().map(Offer::provider).distinct().toList();
    }

    public boolean can(String capability) {
        return capabilities != null && capabilities.contains(capability);
    }

    public record Offer(String provider, String model, Integer weight) {
    }

    /**
     * USD per million tokens. Image models are priced by token too, as their providers bill them: gpt-image-1 and
     * Gemini's image models report an image's output tokens (a 1024x1024 Gemini image is 1,290).
     */
    public record Pricing(Double input, Double output, Double cacheRead, Double cacheWrite) {
    }
}
