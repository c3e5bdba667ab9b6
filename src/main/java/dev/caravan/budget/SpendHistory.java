package dev.caravan.budget;

/**
 * Spend already recorded for a budget's period, read when the ledger knows nothing of it: after a restart without
 * Redis, or when Redis lost the account. Usage records are written in batches, so this can trail by a few seconds.
 */
@FunctionalInterface
public interface SpendHistory {

    SpendHistory NONE = line -> 0;

    /** Nano-USD recorded for the line's subject since its period began (BYOK only if the budget counts it). */
    long spentSince(BudgetLine line);
}
