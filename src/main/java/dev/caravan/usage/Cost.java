package dev.caravan.usage;

import dev.caravan.canonical.Usage;
import dev.caravan.catalog.ModelEntry;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What a request cost, from the catalog's prices (USD per million tokens) and the provider's usage. Canonical
 * {@code prompt_tokens} include cached reads and cache writes, so those are taken out of the input count and priced
 * at their own rates; a model without a cache price is charged the input price for them. Reasoning tokens are part of
 * {@code completion_tokens} and priced as output, as every provider bills them.
 */
public final class Cost {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private Cost() {
    }

    /** The cost in USD, or null when the model has no input or output price or the usage is unknown. */
    public static BigDecimal of(ModelEntry.Pricing pricing, Usage usage) {
        if (pricing == null || pricing.input() == null || pricing.output() == null || usage == null
                || usage.promptTokens() == null || usage.completionTokens() == null) {
            return null;
        }
        long cachedRead = usage.promptTokensDetails() == null || usage.promptTokensDetails().cachedTokens() == null
                ? 0 : usage.promptTokensDetails().cachedTokens();
        long cacheWrite = usage.promptTokensDetails() == null
                || usage.promptTokensDetails().cacheWriteTokens() == null
                ? 0 : usage.promptTokensDetails().cacheWriteTokens();
        long input = Math.max(0, usage.promptTokens() - cachedRead - cacheWrite);
        BigDecimal micros = price(input, pricing.input())
                .add(price(cachedRead, pricing.cacheRead() != null ? pricing.cacheRead() : pricing.input()))
                .add(price(cacheWrite, pricing.cacheWrite() != null ? pricing.cacheWrite() : pricing.input()))
                .add(price(usage.completionTokens(), pricing.output()));
        return micros.divide(MILLION, 10, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    private static BigDecimal price(long tokens, double perMillion) {
        return BigDecimal.valueOf(tokens).multiply(BigDecimal.valueOf(perMillion));
    }
}
