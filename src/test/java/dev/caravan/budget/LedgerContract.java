package dev.caravan.budget;

import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.ratelimit.BucketStore;
import dev.caravan.ratelimit.LocalBuckets;
import dev.caravan.ratelimit.RateLimiter;
import dev.caravan.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.caravan.budget.Spend.nanos;
import static dev.caravan.budget.Spend.request;
import static dev.caravan.budget.Spend.usd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every ledger must do, run against {@link MemoryLedger} and {@link RedisLedger}: hard budgets reserve and
 * settle, one refusing budget leaves the others untouched, soft budgets let the crossing request through, periods
 * roll over, BYOK is left out unless counted, alerts are claimed once, and spend is seeded from the usage records.
 */
abstract class LedgerContract {

    /** A Monday, noon UTC. */
    protected final MutableClock clock = new MutableClock(Instant.parse("2025-03-10T12:00:00Z"));

    /** A ledger over the shared state: for Redis, with a connection of its own, as another instance would have. */
    protected abstract Ledger ledger(SpendHistory history);

    protected SpendControl spendControl(Ledger ledger, Budget... budgets) {
        Budgets book = new Budgets((caller, user) -> List.of(budgets), ledger, Spend.outage(),
                new BudgetAlerts(HttpClient.newHttpClient(), clock, 1, Duration.ofSeconds(1), Duration.ZERO,
                        new WebhookTargets(false)), clock);
        return new SpendEnforcer(new RateLimiter(new LocalBuckets(100, BucketStore.timeMeter(clock))), book);
    }

    protected SpendControl spendControl(Budget... budgets) {
        return spendControl(ledger(SpendHistory.NONE), budgets);
    }

    protected long spent(Ledger ledger, Budget budget) {
        return ledger.spent(BudgetLine.of(budget, clock.instant()));
    }

    @Test
    void hard_budget_reserves_the_worst_case_and_settles_to_the_real_cost() {
        Budget budget = Spend.hard("bud_k", Budget.Scope.KEY, "1.00");
        Ledger ledger = ledger(SpendHistory.NONE);
        SpendControl spend = spendControl(ledger, budget);

        SpendControl.Admission first = spend.admit(request("0.40"));
        spend.admit(request("0.40"));
        assertThatThrownBy(() -> spend.admit(request("0.40")))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.BUDGET_EXCEEDED);
                    assertThat(e.getMessage()).contains("hard budget bud_k of this key (1.00 USD per day)",
                            "0.20 USD is left (0.00 spent, 0.80 held by requests in progress)",
                            "may cost up to 0.40 USD", "resets at 2025-03-11T00:00:00Z");
                });

        first.settle(usd("0.10"), 500);
        assertThat(spent(ledger, budget)).isEqualTo(nanos("0.10"));
        // 0.10 spent + 0.40 still reserved + 0.40 = 0.90: the released 0.30 is usable again
        spend.admit(request("0.40"));
        assertThatThrownBy(() -> spend.admit(request("0.40"))).isInstanceOf(GatewayException.class);
    }

    @Test
    void a_budget_that_refuses_leaves_the_other_budgets_of_the_request_untouched() {
        Budget key = Spend.hard("bud_k", Budget.Scope.KEY, "1.00");
        Budget project = Spend.hard("bud_p", Budget.Scope.PROJECT, "0.50");
        Ledger ledger = ledger(SpendHistory.NONE);
        SpendControl spend = spendControl(ledger, key, project);

        spend.admit(request("0.40"));
        assertThatThrownBy(() -> spend.admit(request("0.40")))
                .hasMessageContaining("hard budget bud_p of this key's project");

        // had the refused request reserved on the key's budget, 0.80 would be held there, not 0.40
        Ledger.Refusal refusal = ledger.reserve("probe", List.of(BudgetLine.of(key, clock.instant())),
                nanos("0.70"));
        assertThat(refusal.reservedNanos()).isEqualTo(nanos("0.40"));
    }

    @Test
    void soft_budget_lets_the_request_that_crosses_the_limit_complete_and_refuses_the_next() {
        Budget budget = Spend.soft("bud_s", Budget.Scope.USER, "1.00");
        Ledger ledger = ledger(SpendHistory.NONE);
        SpendControl spend = spendControl(ledger, budget);

        // a soft budget reserves nothing: a worst case far above the limit is admitted
        spend.admit(request("5.00")).settle(usd("0.90"), 10);
        spend.admit(request("5.00")).settle(usd("0.30"), 10);
        assertThat(spent(ledger, budget)).isEqualTo(nanos("1.20"));

        assertThatThrownBy(() -> spend.admit(request("0.01")))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind().status()).isEqualTo(402);
                    assertThat(e.getMessage()).isEqualTo("Budget exhausted. The budget bud_s of this end user "
                            + "(1.00 USD per day) is exhausted: 1.20 USD spent. It resets at 2025-03-11T00:00:00Z "
                            + "(UTC).");
                });
    }

    @Test
    void a_new_period_starts_from_zero() {
        Budget budget = Spend.budget("bud_w", Budget.Scope.KEY, "1.00", Budget.Period.WEEKLY, Budget.Mode.HARD,
                false, List.of(), null);
        SpendControl spend = spendControl(budget);
        spend.admit(request("1.00")).settle(usd("1.00"), 10);
        assertThatThrownBy(() -> spend.admit(request("0.01"))).hasMessageContaining("2025-03-17T00:00:00Z");

        clock.set(Instant.parse("2025-03-16T23:59:59Z"));
        assertThatThrownBy(() -> spend.admit(request("0.01"))).isInstanceOf(GatewayException.class);
        clock.set(Instant.parse("2025-03-17T00:00:00Z"));
        spend.admit(request("1.00"));
    }

    @Test
    void byok_requests_do_not_count_unless_the_budget_includes_them() {
        Budget excluding = Spend.hard("bud_x", Budget.Scope.KEY, "1.00");
        Ledger ledger = ledger(SpendHistory.NONE);
        SpendControl spend = spendControl(ledger, excluding);
        spend.admit(Spend.byok("5.00")).settle(usd("5.00"), 10);
        assertThat(spent(ledger, excluding)).isZero();

        Budget including = Spend.budget("bud_i", Budget.Scope.KEY, "1.00", Budget.Period.DAILY, Budget.Mode.HARD,
                true, List.of(), null);
        SpendControl counting = spendControl(ledger, including);
        assertThatThrownBy(() -> counting.admit(Spend.byok("5.00"))).isInstanceOf(GatewayException.class);
        counting.admit(Spend.byok("0.50")).settle(usd("0.50"), 10);
        assertThat(spent(ledger, including)).isEqualTo(nanos("0.50"));
    }

    @Test
    void a_request_admitted_as_gateway_paid_but_served_on_a_byok_key_is_charged_only_where_byok_counts() {
        Budget excluding = Spend.hard("bud_mx", Budget.Scope.KEY, "1.00");
        Budget including = Spend.budget("bud_mi", Budget.Scope.PROJECT, "1.00", Budget.Period.DAILY,
                Budget.Mode.HARD, true, List.of(), null);
        Ledger ledger = ledger(SpendHistory.NONE);
        SpendControl spend = spendControl(ledger, excluding, including);

        // its plan had a provider on the gateway's key too, so it was admitted (and reserved) as gateway-paid
        spend.admit(request("0.60")).settle(usd("0.40"), 10, true);

        assertThat(spent(ledger, excluding)).isZero();
        assertThat(spent(ledger, including)).isEqualTo(nanos("0.40"));
        // both reservations were released: 0.60 fits the BYOK-excluding budget again, 0.60 more the other (0.40 spent)
        spend.admit(request("0.60")).settle(usd("0"), 0);
    }

    @Test
    void a_second_settle_releases_nothing() {
        SpendControl spend = spendControl(Spend.hard("bud_k", Budget.Scope.KEY, "1.00"));
        SpendControl.Admission first = spend.admit(request("0.50"));
        spend.admit(request("0.50"));
        first.settle(usd("0"), 0);
        first.settle(usd("0"), 0);
        spend.admit(request("0.50"));
        // released twice, 0.50 would be free again
        assertThatThrownBy(() -> spend.admit(request("0.50"))).isInstanceOf(GatewayException.class);
    }

    @Test
    void a_reservation_settled_again_or_never_made_releases_nothing_and_one_settled_in_parts_releases_each_line_once() {
        Budget key = Spend.hard("bud_k", Budget.Scope.KEY, "1.00");
        Budget project = Spend.hard("bud_p", Budget.Scope.PROJECT, "1.00");
        Ledger ledger = ledger(SpendHistory.NONE);
        List<BudgetLine> keyLine = List.of(BudgetLine.of(key, clock.instant()));
        List<BudgetLine> projectLine = List.of(BudgetLine.of(project, clock.instant()));
        List<BudgetLine> both = List.of(keyLine.getFirst(), projectLine.getFirst());
        assertThat(ledger.reserve("r1", both, nanos("0.50"))).isNull();
        assertThat(ledger.reserve("r2", both, nanos("0.50"))).isNull();

        // as Budgets settles a BYOK-served request: the lines that leave BYOK out, then the others
        ledger.settle("r1", keyLine, nanos("0.50"), 0);
        ledger.settle("r1", keyLine, nanos("0.50"), 0);
        ledger.settle("r1", projectLine, nanos("0.50"), nanos("0.10"));
        ledger.settle("never-reserved", both, nanos("0.50"), 0);

        // released more than once, r2's 0.50 would be free too and 0.90 would fit
        assertThat(ledger.reserve("probe", keyLine, nanos("0.60")).reservedNanos()).isEqualTo(nanos("0.50"));
        assertThat(ledger.reserve("probe", projectLine, nanos("0.50")).spentNanos()).isEqualTo(nanos("0.10"));
    }

    @Test
    void each_alert_threshold_is_claimed_once_per_period_across_instances() {
        Budget budget = Spend.budget("bud_a", Budget.Scope.KEY, "1.00", Budget.Period.DAILY, Budget.Mode.SOFT,
                false, List.of(50, 80, 100), null);
        Ledger one = ledger(SpendHistory.NONE);
        Ledger two = ledger(SpendHistory.NONE);
        List<Integer> claimed = new ArrayList<>();
        String[] costs = {"0.30", "0.25", "0.30", "0.05", "0.20", "0.10"};
        for (int i = 0; i < costs.length; i++) {
            Ledger ledger = i % 2 == 0 ? one : two;
            List<BudgetLine> lines = List.of(BudgetLine.of(budget, clock.instant()));
            if (i == 0) {
                assertThat(ledger.reserve("r0", lines, 0)).isNull();
            }
            ledger.settle("r" + i, lines, 0, nanos(costs[i])).forEach(c -> claimed.add(c.thresholdPercent()));
        }
        assertThat(claimed).containsExactly(50, 80, 100);
        assertThat(spent(one, budget)).isEqualTo(nanos("1.20"));

        clock.advance(Duration.ofDays(1));
        List<BudgetLine> next = List.of(BudgetLine.of(budget, clock.instant()));
        one.reserve("n", next, 0);
        assertThat(one.settle("n", next, 0, nanos("0.60"))).extracting(Ledger.Crossing::thresholdPercent)
                .containsExactly(50);
    }

    @Test
    void spend_already_recorded_in_the_period_counts_when_the_ledger_has_none() {
        Budget budget = Spend.hard("bud_k", Budget.Scope.KEY, "1.00");
        List<BudgetLine> seen = new ArrayList<>();
        Ledger ledger = ledger(line -> {
            seen.add(line);
            return nanos("0.90");
        });
        SpendControl spend = spendControl(ledger, budget);
        assertThatThrownBy(() -> spend.admit(request("0.20"))).hasMessageContaining("0.90 spent");
        spend.admit(request("0.10"));
        assertThat(seen).extracting(BudgetLine::periodStart).containsOnly(Instant.parse("2025-03-10T00:00:00Z"));
    }
}
