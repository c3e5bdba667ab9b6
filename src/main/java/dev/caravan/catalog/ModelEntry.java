package dev.caravan.catalog;

import java.util.List;

/**
 * A {@code creator/model} the gateway serves. {@code providers} lists who serves it, in default order, under which
 * provider model id. Prices are USD per million tokens.
 */
public record ModelEntry(
        String id,
        String name,
        Integer contextWindow,
        Integer maxOutputTokens,
        List<String> capabilities,
        Pricing pricing,
        List<Offer> providers) {

    public String creator() {
        return id.substring(0, id.indexOf('/'));
    }

    public record Offer(String provider, String model, Integer weight) {
    }

    public record Pricing(Double input, Double output, Double cacheRead, Double cacheWrite) {
    }
}
