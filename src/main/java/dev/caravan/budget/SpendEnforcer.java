package dev.caravan.budget;

import dev.caravan.ratelimit.RateLimiter;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
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
        return rate == null && reservation == null ? UNLIMITED : new Admitted(rate, reservation);
    }

    private final class Admitted implements Admission {

        private final RateLimiter.Admission rate;
        private final Budgets.Reservation reservation;
        // the flow promises one settle per request; a second one must not release a reservation twice
        private final AtomicBoolean settled = new AtomicBoolean();

        Admitted(RateLimiter.Admission rate, Budgets.Reservation reservation) {
            this.rate = rate;
            this.reservation = reservation;
        }

        @Override
        public Map<String, String> headers() {
            Map<String, String> limits = rate == null ? Map.of() : rate.headers();
            Map<String, String> degraded = reservation == null ? Map.of() : reservation.headers();
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
            if (reservation != null) {
                budgets.settle(reservation, actualCost, servedByByok);
            }
            if (rate != null) {
                rate.settle(actualTokens);
            }
        }
    }
}
