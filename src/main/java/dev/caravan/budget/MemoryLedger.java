package dev.caravan.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ledger of a single instance. One lock covers every account, which is what makes an admission under several
 * budgets atomic; each step under it is a few additions, so requests without a budget never touch it and those
 * with one wait nanoseconds. Spend is seeded from the usage records the first time an account is needed.
 */
public final class MemoryLedger implements Ledger {

    /** How long an account outlives its period, so that costs of requests still running at its end count in it. */
    static final Duration GRACE = Duration.ofHours(1);

    private final SpendHistory history;
    private final Clock clock;
    private final Map<String, Account> accounts = new HashMap<>();
    /** The accounts each request still holds a reservation on: a second settlement must not release it again. */
    private final Map<String, Set<String>> holding = new HashMap<>();

    public MemoryLedger(SpendHistory history, Clock clock) {
        this.history = history;
        this.clock = clock;
    }

    @Override
    public Refusal reserve(String requestId, List<BudgetLine> lines, long worstCaseNanos) {
        Map<String, Long> seeds = seedsFor(lines);
        synchronized (this) {
            List<Account> admitted = new ArrayList<>(lines.size());
            for (BudgetLine line : lines) {
                Account account = open(line, seeds);
                boolean fits = line.hard()
                        ? account.spent + account.reserved + worstCaseNanos <= line.limitNanos()
                        : account.spent < line.limitNanos();
                if (!fits) {
                    return new Refusal(line, account.spent, account.reserved);
                }
                admitted.add(account);
            }
            Set<String> held = new HashSet<>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).hard()) {
                    admitted.get(i).reserved += worstCaseNanos;
                    held.add(lines.get(i).account());
                }
            }
            if (!held.isEmpty()) {
                holding.put(requestId, held);
            }
            return null;
        }
    }

    @Override
    public List<Crossing> settle(String requestId, List<BudgetLine> lines, long reservedNanos, long actualNanos) {
        List<Crossing> crossings = new ArrayList<>();
        synchronized (this) {
            Set<String> held = holding.get(requestId);
            for (BudgetLine line : lines) {
                // a second settlement of the same lines, or of a request never reserved, releases nothing
                boolean release = held != null && held.remove(line.account());
                Account account = accounts.get(line.account());
                if (account == null) {
                    // the period ended more than GRACE ago and its account is gone: nothing left to book into
                    continue;
                }
                if (release) {
                    account.reserved -= reservedNanos;
                }
                if (actualNanos > 0) {
                    account.spent += actualNanos;
                    for (int threshold : line.budget().alertThresholds()) {
                        if (crossed(account.spent, line.limitNanos(), threshold) && account.alerted.add(threshold)) {
                            crossings.add(new Crossing(line, threshold, account.spent));
                        }
                    }
                }
            }
            if (held != null && held.isEmpty()) {
                holding.remove(requestId);
            }
        }
        return crossings;
    }

    @Override
    public long spent(BudgetLine line) {
        Map<String, Long> seeds = seedsFor(List.of(line));
        synchronized (this) {
            return open(line, seeds).spent;
        }
    }

    static boolean crossed(long spentNanos, long limitNanos, int thresholdPercent) {
        return spentNanos * 100.0 >= (double) thresholdPercent * limitNanos;
    }

    /** Reads the history of accounts not open yet outside the lock: a database query must not hold up others. */
    private Map<String, Long> seedsFor(List<BudgetLine> lines) {
        Map<String, Long> seeds = null;
        for (BudgetLine line : lines) {
            boolean open;
            synchronized (this) {
                open = accounts.containsKey(line.account());
            }
            if (!open) {
                if (seeds == null) {
                    seeds = new HashMap<>();
                }
                seeds.put(line.account(), history.spentSince(line));
            }
        }
        return seeds == null ? Map.of() : seeds;
    }

    /** Must hold the lock. Opening a budget's account for a new period drops its accounts of long-ended ones. */
    private Account open(BudgetLine line, Map<String, Long> seeds) {
        Account account = accounts.get(line.account());
        if (account == null) {
            String budgetId = line.budget().id();
            Instant cutoff = clock.instant().minus(GRACE);
            accounts.values().removeIf(a -> a.budgetId.equals(budgetId) && a.periodEnd != null
                    && a.periodEnd.isBefore(cutoff));
            account = new Account(budgetId, line.periodEnd(), seeds.getOrDefault(line.account(), 0L));
            accounts.put(line.account(), account);
        }
        return account;
    }

    private static final class Account {
        final String budgetId;
        final Instant periodEnd;
        final Set<Integer> alerted = new HashSet<>();
        long spent;
        long reserved;

        Account(String budgetId, Instant periodEnd, long spent) {
            this.budgetId = budgetId;
            this.periodEnd = periodEnd;
            this.spent = spent;
        }
    }
}
