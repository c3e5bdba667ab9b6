package dev.caravan.budget;

/** The ledger of a single instance against the ledger contract. */
class MemoryLedgerTest extends LedgerContract {

    private Ledger ledger;

    /** One instance is all there is without Redis: every call gives the test's one ledger. */
    @Override
    protected Ledger ledger(SpendHistory history) {
        if (ledger == null) {
            ledger = new MemoryLedger(history, clock);
        }
        return ledger;
    }
}
