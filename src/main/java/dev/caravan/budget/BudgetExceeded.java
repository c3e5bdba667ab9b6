package dev.caravan.budget;

import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;

import java.time.Instant;

/**
 * The 402 for a request a budget refused. The message names the budget by scope and id (never the key), what is
 * left, why this request does not fit, and when the budget resets, so the caller knows whether to wait or to ask.
 */
public final class BudgetExceeded {

    private BudgetExceeded() {
    }

    public static GatewayException of(Ledger.Refusal refusal, long worstCaseNanos) {
        return new GatewayException(ErrorKind.BUDGET_EXCEEDED, message(refusal, worstCaseNanos));
    }

    static String message(Ledger.Refusal refusal, long worstCaseNanos) {
        BudgetLine line = refusal.line();
        Budget budget = line.budget();
        String which = "The " + (budget.mode() == Budget.Mode.HARD ? "hard " : "") + "budget " + budget.id() + " of "
                + whose(budget.scope()) + " (" + Money.format(line.limitNanos()) + " USD" + per(budget.period()) + ")";
        String why;
        if (budget.mode() == Budget.Mode.HARD && refusal.spentNanos() < line.limitNanos()) {
            long left = Math.max(0, line.limitNanos() - refusal.spentNanos() - refusal.reservedNanos());
            why = " cannot cover this request: " + Money.format(left) + " USD is left (" + Money.format(refusal.spentNanos())
                    + " spent, " + Money.format(refusal.reservedNanos()) + " held by requests in progress) and the "
                    + "request may cost up to " + Money.format(worstCaseNanos) + " USD (its input and max_tokens at "
                    + "the highest price it may be served at); a lower max_tokens may fit.";
        } else {
            why = " is exhausted: " + Money.format(refusal.spentNanos()) + " USD spent.";
        }
        return "Budget exhausted. " + which + why + " " + resets(line.periodEnd());
    }

    private static String whose(Budget.Scope scope) {
        return switch (scope) {
            case KEY -> "this key";
            case PROJECT -> "this key's project";
            case USER -> "this end user";
        };
    }

    private static String per(Budget.Period period) {
        return switch (period) {
            case DAILY -> " per day";
            case WEEKLY -> " per week";
            case MONTHLY -> " per month";
            case NONE -> "";
        };
    }

    private static String resets(Instant periodEnd) {
        return periodEnd == null ? "It has no period and does not reset: ask an administrator to raise it."
                : "It resets at " + periodEnd + " (UTC).";
    }
}
