package dev.caravan.api;

import dev.caravan.catalog.ModelEntry;

/**
 * What an API asks of the models it routes to, checked against the catalog's model {@code type} by
 * {@link Intake}: a chat request to an embedding model fails with a clear 400 instead of a provider's 404 after a
 * paid-for round trip, and an embeddings request to a chat model likewise.
 */
public enum ModelUse {
    CHAT("chat requests"),
    EMBEDDINGS("embeddings requests"),
    IMAGES("image generation requests");

    private final String description;

    ModelUse(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    boolean fits(ModelEntry model) {
        return switch (this) {
            case CHAT -> ModelEntry.LANGUAGE.equals(model.type());
            case EMBEDDINGS -> ModelEntry.EMBEDDING.equals(model.type());
            // Gemini's image models are language models that answer with images, on chat as on image generation
            case IMAGES -> ModelEntry.IMAGE.equals(model.type())
                    || ModelEntry.LANGUAGE.equals(model.type()) && model.can(ModelEntry.IMAGE_OUTPUT);
        };
    }

    /** Where a model of another type belongs, for the refusal's message. */
    String hint(ModelEntry model) {
        return switch (model.type()) {
            case ModelEntry.EMBEDDING -> " Send it to /v1/embeddings.";
            case ModelEntry.IMAGE -> " Send it to /v1/images/generations.";
            default -> this == CHAT ? "" : " Send it to /v1/chat/completions.";
        };
    }

    static String describe(ModelEntry model) {
        return switch (model.type()) {
            case ModelEntry.EMBEDDING -> "an embedding model";
            case ModelEntry.IMAGE -> "an image generation model";
            default -> model.can(ModelEntry.IMAGE_OUTPUT) ? "a language model" : "a language model without image output";
        };
    }
}
