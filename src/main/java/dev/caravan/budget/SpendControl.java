package dev.caravan.budget;

/**
 * Budgets and rate limits, asked once per request before any provider is called and told once what it really
 * cost. Refusals are {@link dev.caravan.error.GatewayException}s: 402 for a spent budget, 429 for a rate limit.
 */
public interface SpendControl {

    /** Admits the request (reserving its worst case under hard budgets, taking from rate limits) or refuses it. */
    Admission admit(SpendRequest request);

    /**
     * A request already {@code held} under its budgets may now cost up to {@code wider}'s worst case (a hand-written
     * chain moved it on to other models): reserves what the held admission does not cover yet, or refuses with the
     * 402 as {@link #admit} would. Rate limits are not taken again: it is still one request. Returns the admission
     * to settle from then on (once, as ever).
     */
    Admission widen(Admission held, SpendRequest wider);

    /** An admitted request: its rate-limit headers now, its real cost once it is over. */
    interface Admission {

        /**
         * {@code x-ratelimit-*} headers for the response, and {@value StoreOutage#HEADER} when its budgets were held
         * locally; empty when neither applies.
         */
        java.util.Map<String, String> headers();

        /**
         * The request is over: releases the reservation and books what it really cost (zero when nothing was
         * served) and the tokens it really used. Called exactly once per admitted request; later calls do nothing.
         */
        void settle(java.math.BigDecimal actualCost, long actualTokens);

        /**
         * As {@link #settle(java.math.BigDecimal, long)}, for a request that was admitted as paid by the gateway but
         * served by a provider on the caller's own key (BYOK) when {@code servedByByok}: budgets that leave BYOK out
         * are then released without being charged.
         */
        default void settle(java.math.BigDecimal actualCost, long actualTokens, boolean servedByByok) {
            settle(actualCost, actualTokens);
        }
    }
}
