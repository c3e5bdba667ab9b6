package dev.caravan.budget;

import java.util.List;

/**
 * What has been spent and reserved per budget and period: {@link MemoryLedger} for one instance,
 * {@link RedisLedger} for replicas sharing a Redis. Both decide a request under all its budgets at once: either
 * every budget admits it (and hard ones hold its worst case), or nothing changes.
 */
public interface Ledger {

    /**
     * Admits a request under every line or under none. A hard line admits while
     * {@code spent + reserved + worstCase <= limit} and then reserves the worst case; a soft line admits while
     * {@code spent < limit} and reserves nothing.
     *
     * @param requestId unique per request; names its reservation
     * @return null when admitted, else the first line that refused
     */
    Refusal reserve(String requestId, List<BudgetLine> lines, long worstCaseNanos);

    /**
     * Releases the request's reservation on its hard lines and adds what it really cost to every line. Costs that
     * arrive after a period ended still count for the period the request was admitted in. A reservation is released
     * once: settling lines already settled (one request may be settled in two calls on different lines), or a
     * request never reserved, releases nothing and only adds the cost.
     *
     * @return alert thresholds that this cost crossed and that no instance has claimed for the period yet
     */
    List<Crossing> settle(String requestId, List<BudgetLine> lines, long reservedNanos, long actualNanos);

    /** What has been spent in the line's period (reservations not included). */
    long spent(BudgetLine line);

    /** A refused admission: the line that refused and its account at that moment. */
    record Refusal(BudgetLine line, long spentNanos, long reservedNanos) {
    }

    /** An alert threshold (percent) crossed, claimed by this instance; {@code spentNanos} right after the cost. */
    record Crossing(BudgetLine line, int thresholdPercent, long spentNanos) {
    }
}
