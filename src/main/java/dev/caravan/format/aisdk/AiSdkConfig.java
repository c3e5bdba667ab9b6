package dev.caravan.format.aisdk;

import dev.caravan.canonical.Json;
import dev.caravan.catalog.ModelEntry;

import java.math.BigDecimal;
import java.util.List;

/**
 * The body of {@code GET {base}/config}, which {@code getAvailableModels()} parses: {@code {"models":[{id, name,
 * pricing, specification:{specificationVersion, provider, modelId}, modelType}]}}. Prices are USD per token as
 * decimal strings (the catalog's are per million tokens), the shape the SDK's schema requires; a model without
 * prices has no {@code pricing}. {@code specification.provider} is the model's creator, as Vercel writes it.
 */
public final class AiSdkConfig {

    /** The LanguageModel specification the current {@code @ai-sdk/gateway} (4.x) checks for. */
    static final String CURRENT_SPECIFICATION = "v4";
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private AiSdkConfig() {
    }

    record Pricing(String input, String output, String input_cache_read, String input_cache_write) {
    }

    record Specification(String specificationVersion, String provider, String modelId) {
    }

    record Model(String id, String name, Pricing pricing, Specification specification, String modelType) {
    }

    record Config(List<Model> models) {
    }

    public static byte[] toJson(List<ModelEntry> models, String specificationVersion) {
        return Json.write(new Config(models.stream().map(model -> toModel(model, specificationVersion)).toList()));
    }

    static Model toModel(ModelEntry model, String specificationVersion) {
        ModelEntry.Pricing prices = model.pricing();
        Pricing pricing = prices == null || prices.input() == null || prices.output() == null ? null
                : new Pricing(perToken(prices.input()), perToken(prices.output()), perToken(prices.cacheRead()),
                        perToken(prices.cacheWrite()));
        return new Model(model.id(), model.name() == null ? model.id() : model.name(), pricing,
                new Specification(specificationVersion, model.creator(), model.id()), "language");
    }

    /**
     * The SDK's schema takes the literal version it implements: {@code @ai-sdk/gateway} 3.x wants {@code v3}, 4.x
     * {@code v4}. Its user agent carries {@code ai-sdk-gateway/<version>}; any other caller gets the current one.
     */
    public static String specificationVersion(String userAgent) {
        if (userAgent != null) {
            int at = userAgent.indexOf("ai-sdk-gateway/");
            if (at >= 0 && userAgent.startsWith("3.", at + "ai-sdk-gateway/".length())) {
                return "v3";
            }
        }
        return CURRENT_SPECIFICATION;
    }

    /** USD per million tokens as USD per token, written plainly ({@code 0.00000125}, never {@code 1.25E-6}). */
    static String perToken(Double perMillion) {
        return perMillion == null ? null
                : BigDecimal.valueOf(perMillion).divide(MILLION).stripTrailingZeros().toPlainString();
    }
}
