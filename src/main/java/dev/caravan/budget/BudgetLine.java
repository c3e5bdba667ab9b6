package dev.caravan.budget;

import java.time.Instant;

/**
 * A budget as one request meets it: the period it falls in and the limit in nano-USD. The ledger keeps one account
 * per budget and period, named by {@link #account()}, so a new period starts from zero without resetting anything.
 *
 * @param periodEnd null for a budget without a period
 */
public record BudgetLine(Budget budget, Instant periodStart, Instant periodEnd, long limitNanos) {

    public static BudgetLine of(Budget budget, Instant now) {
        Instant start = Periods.start(budget.period(), now);
        return new BudgetLine(budget, start, Periods.end(budget.period(), start), Money.limitNanos(budget.limitUsd()));
    }

    public boolean hard() {
        return budget.mode() == Budget.Mode.HARD;
    }

    /** The account's name: the budget id and the UTC start of the period, in epoch seconds. */
    public String account() {
        return budget.id() + ":" + periodStart.getEpochSecond();
    }
}
