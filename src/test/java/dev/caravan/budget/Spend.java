package dev.caravan.budget;

import dev.caravan.identity.Caller;
import dev.caravan.identity.RateLimit;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;

/** Budgets and requests for the budget tests, in few words. */
final class Spend {

    static final Caller CALLER = new Caller("key_1", "proj_1", RateLimit.NONE, RateLimit.NONE);

    private Spend() {
    }

    static Budget hard(String id, Budget.Scope scope, String usd) {
        return budget(id, scope, usd, Budget.Period.DAILY, Budget.Mode.HARD, false, List.of(), null);
    }

    static Budget soft(String id, Budget.Scope scope, String usd) {
        return budget(id, scope, usd, Budget.Period.DAILY, Budget.Mode.SOFT, false, List.of(), null);
    }

    static Budget budget(String id, Budget.Scope scope, String usd, Budget.Period period, Budget.Mode mode,
                         boolean includeByok, List<Integer> thresholds, String webhook) {
        String subject = switch (scope) {
            case KEY -> CALLER.keyId();
            case PROJECT -> CALLER.projectId();
            case USER -> "alice";
        };
        return new Budget(id, scope, subject, new BigDecimal(usd), period, mode, thresholds, webhook, includeByok,
                Budget.OnStoreOutage.CLOSED);
    }

    static SpendRequest request(String worstCaseUsd) {
        return new SpendRequest(CALLER, "alice", new BigDecimal(worstCaseUsd), false);
    }

    static SpendRequest byok(String worstCaseUsd) {
        return new SpendRequest(CALLER, "alice", new BigDecimal(worstCaseUsd), true);
    }

    /** Where budgets set to onStoreOutage=open are held while the ledger is away: memory, with no records. */
    static StoreOutage outage() {
        return new StoreOutage(() -> new MemoryLedger(SpendHistory.NONE, Clock.systemUTC()));
    }

    static long nanos(String usd) {
        return Money.nanos(new BigDecimal(usd));
    }

    static BigDecimal usd(String usd) {
        return new BigDecimal(usd);
    }
}
