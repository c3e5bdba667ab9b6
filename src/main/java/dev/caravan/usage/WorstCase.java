package dev.caravan.usage;

import dev.caravan.catalog.ModelEntry;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The most a request can cost on one model, before it is sent: its input (an upper bound, see
 * {@link TokenCount#inputUpperBound}) at the dearer of the input and cache-write prices, plus the most output it may
 * produce at the output price. What hard budgets reserve and {@code maxCost} is checked against.
 */
public final class WorstCase {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    /** Output cap for a model the catalog gives neither an output limit nor a context window. */
    static final long UNKNOWN_OUTPUT_CAP = 32_768;

    private WorstCase() {
    }

    /**
     * The most output {@code model} gives when a request sets no limit: its output cap, else what its context window
     * leaves. The provider's format turns it into the request's bound
     * ({@link dev.caravan.format.ProviderFormat#billableOutputTokens}).
     */
    public static long outputCap(ModelEntry model, long inputTokens) {
        return model.maxOutputTokens() != null ? model.maxOutputTokens()
                : model.contextWindow() != null ? Math.max(0, model.contextWindow() - inputTokens)
                : UNKNOWN_OUTPUT_CAP;
    }

    /** USD; zero for a model without prices (its requests are not charged either). */
    public static BigDecimal cost(ModelEntry.Pricing pricing, long inputTokens, long outputTokens) {
        if (pricing == null || pricing.input() == null || pricing.output() == null) {
            return BigDecimal.ZERO;
        }
        double inputPrice = Math.max(pricing.input(), pricing.cacheWrite() == null ? 0 : pricing.cacheWrite());
        return BigDecimal.valueOf(inputTokens).multiply(BigDecimal.valueOf(inputPrice))
                .add(BigDecimal.valueOf(outputTokens).multiply(BigDecimal.valueOf(pricing.output())))
                .divide(MILLION, 10, RoundingMode.UP).stripTrailingZeros();
    }
}
