package dev.caravan.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money in the ledger is a whole number of nano-USD (10⁻⁹ USD) in a {@code long}: Redis adds integers exactly
 * ({@code HINCRBY}) where it would round decimals, and a token of the cheapest model still costs tens of nano-USD.
 * A long holds 9.2 billion USD; Redis's Lua numbers are exact to 2⁵³ nano-USD, 9 million USD per budget and period.
 */
public final class Money {

    private static final int SCALE = 9;

    private Money() {
    }

    /** A cost in nano-USD, rounded up: a reservation or a charge is never smaller than the real amount. */
    public static long nanos(BigDecimal usd) {
        return usd == null ? 0 : usd.setScale(SCALE, RoundingMode.CEILING).unscaledValue().longValueExact();
    }

    /** A limit in nano-USD, rounded down: what may be spent is never more than what was configured. */
    public static long limitNanos(BigDecimal usd) {
        return usd.setScale(SCALE, RoundingMode.FLOOR).unscaledValue().longValueExact();
    }

    public static BigDecimal usd(long nanos) {
        return BigDecimal.valueOf(nanos, SCALE);
    }

    /** USD as a plain decimal string with at least two decimals and no trailing zeros beyond them: "4.50", "0.0000125". */
    public static String format(BigDecimal usd) {
        BigDecimal stripped = usd.stripTrailingZeros();
        return (stripped.scale() < 2 ? stripped.setScale(2, RoundingMode.UNNECESSARY) : stripped).toPlainString();
    }

    public static String format(long nanos) {
        return format(usd(nanos));
    }
}
