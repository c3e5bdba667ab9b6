package dev.caravan.budget;

import dev.caravan.ratelimit.RateLimiter;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway's {@link SpendControl}: rate limits first (a 429 costs nothing to decide and reserves nothing), then
 * budgets. A request with neither gets a shared admission that does nothing, so it never touches a ledger.
 */
public final class SpendEnforcer implements SpendControl {

    private static final Admission UNLIMITED = new Admission() {
        @Override
        public Map<String, String> headers() {
            return Map.of();
        }

        @Override
        public void settle(BigDecimal actualCost, long actualTokens) {
        }
    };

    private final RateLimiter rateLimiter;
    private final Budgets budgets;

    public SpendEnforcer(RateLimiter rateLimiter, Budgets budgets) {
        this.rateLimiter = rateLimiter;
        this.budgets = budgets;
    }

    @Override
    public Admission admit(SpendRequest request) {
        RateLimiter.Admission rate = rateLimiter.admit(request.caller());
        Budgets.Reservation reservation;
        try {
            reservation = budgets.reserve(request);
        } catch (RuntimeException refused) {
            // a request a budget refuses (or cannot check) costs the caller nothing, its rate limit included
            if (rate != null) {
                rate.giveBack();
            }
            throw refused;
        }
        return rate == null && reservation == null ? UNLIMITED
                : new Admitted(rate, reservation == null ? List.of() : List.of(reservation), request.byok());
    }

    @Override
    public Admission widen(Admission held, SpendRequest wider) {
        RateLimiter.Admission rate = held instanceof Admitted admitted ? admitted.rate : null;
        List<Budgets.Reservation> reservations = held instanceof Admitted admitted ? admitted.reservations
                : List.of();
        long covered = reservations.stream().mapToLong(Budgets.Reservation::worstCaseNanos).sum();
        boolean coveredByByok = held instanceof Admitted admitted && admitted.byok;
        // a first admission all on the caller's own keys left out the budgets that exclude BYOK: a gateway-paid
        // branch owes them its whole worst case (those that include BYOK are then held twice until settled: safe)
        long owed = coveredByByok && !wider.byok() ? Money.nanos(wider.worstCaseCost())
                : Money.nanos(wider.worstCaseCost()) - covered;
        if (owed <= 0) {
            return held;
        }
        Budgets.Reservation more = budgets.reserve(new SpendRequest(wider.caller(), wider.user(),
                Money.usd(owed), wider.byok()));
        if (more == null) {
            return held;
        }
        List<Budgets.Reservation> all = new ArrayList<>(reservations);
        all.add(more);
        return new Admitted(rate, all, coveredByByok && wider.byok());
    }

    private final class Admitted implements Admission {

        private final RateLimiter.Admission rate;
        /** The first reservation is charged the real cost; any a widening added are released at settle. */
        private final List<Budgets.Reservation> reservations;
        private final boolean byok;
        // the flow promises one settle per request; a second one must not release a reservation twice
        private final AtomicBoolean settled = new AtomicBoolean();

        Admitted(RateLimiter.Admission rate, List<Budgets.Reservation> reservations, boolean byok) {
            this.rate = rate;
            this.reservations = reservations;
            this.byok = byok;
        }

        @Override
        public Map<String, String> headers() {
            Map<String, String> limits = rate == null ? Map.of() : rate.headers();
            Map<String, String> degraded = reservations.isEmpty() ? Map.of() : reservations.getFirst().headers();
            if (degraded.isEmpty()) {
                return limits;
            }
            Map<String, String> both = new HashMap<>(limits);
            both.putAll(degraded);
            return both;
        }

        @Override
        public void settle(BigDecimal actualCost, long actualTokens) {
            settle(actualCost, actualTokens, false);
        }

        @Override
        public void settle(BigDecimal actualCost, long actualTokens, boolean servedByByok) {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            // each budget is charged the real cost once, by the first reservation that holds it; a widening's
            // reservations of the same budgets are released
            Set<String> charged = new HashSet<>();
            for (Budgets.Reservation held : reservations) {
                List<BudgetLine> first = new ArrayList<>();
                List<BudgetLine> again = new ArrayList<>();
                held.lines().forEach(line -> (charged.add(line.budget().id()) ? first : again).add(line));
                if (!first.isEmpty()) {
                    budgets.settle(held.withLines(first), actualCost, servedByByok);
                }
                if (!again.isEmpty()) {
                    budgets.settle(held.withLines(again), BigDecimal.ZERO, servedByByok);
                }
            }
            if (rate != null) {
                rate.settle(actualTokens);
            }
        }
    }
}
