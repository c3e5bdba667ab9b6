package dev.caravan.budget;

import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.ratelimit.BucketStore;
import dev.caravan.ratelimit.LocalBuckets;
import dev.caravan.ratelimit.RateLimiter;
import dev.caravan.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static dev.caravan.budget.Spend.nanos;
import static dev.caravan.budget.Spend.request;
import static dev.caravan.budget.Spend.usd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A budget's {@code onStoreOutage} while the shared ledger cannot be reached (a ledger that throws, as the Redis one
 * does when Redis is away): closed refuses with 503, open holds the request in this instance's memory, seeded from
 * the records, says so in a header, and hands the costs to the shared ledger once it answers again.
 */
class BudgetStoreOutageTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-10T12:00:00Z"));
    /** The usage records: 0.30 spent already today on every budget. */
    private final SpendHistory records = line -> nanos("0.30");
    private final Reachable shared = new Reachable(new MemoryLedger(records, clock));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "closed,      503",
            "open,        200",
            "open closed, 503",
            "open open,   200",
    })
    void a_request_is_held_locally_only_when_every_budget_it_meets_is_open(String policies, int outcome) {
        String[] each = policies.split(" ");
        Budget[] budgets = new Budget[each.length];
        for (int i = 0; i < each.length; i++) {
            budgets[i] = budget("bud_" + i, i == 0 ? Budget.Scope.KEY : Budget.Scope.PROJECT, each[i]);
        }
        SpendControl spend = spendControl(budgets);
        shared.down = true;

        if (outcome == 503) {
            assertThatThrownBy(() -> spend.admit(request("0.10"))).isInstanceOfSatisfying(GatewayException.class,
                    e -> assertThat(e.kind()).isEqualTo(ErrorKind.BUDGET_UNAVAILABLE));
        } else {
            assertThat(spend.admit(request("0.10")).headers()).containsEntry(StoreOutage.HEADER,
                    String.join(",", Arrays.stream(budgets).map(Budget::id).toList()));
        }
    }

    @Test
    void an_open_budget_holds_its_limit_locally_and_the_shared_ledger_gets_the_costs_when_it_is_back() {
        Budget budget = budget("bud_open", Budget.Scope.KEY, "open");
        SpendControl spend = spendControl(budget);
        shared.down = true;

        // 0.30 recorded + 0.50 held locally: 0.30 more does not fit, the limit holds in memory
        SpendControl.Admission first = spend.admit(request("0.50"));
        assertThatThrownBy(() -> spend.admit(request("0.30"))).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.BUDGET_EXCEEDED));
        first.settle(usd("0.20"), 10);

        shared.down = false;
        SpendControl.Admission back = spend.admit(request("0.10"));
        assertThat(back.headers()).doesNotContainKey(StoreOutage.HEADER);
        assertThat(shared.spent(BudgetLine.of(budget, clock.instant()))).isEqualTo(nanos("0.50"));
        back.settle(usd("0.10"), 10);
        assertThat(shared.spent(BudgetLine.of(budget, clock.instant()))).isEqualTo(nanos("0.60"));
    }

    @Test
    void each_outage_starts_from_the_records_not_from_what_an_earlier_one_held() {
        Budget budget = budget("bud_open", Budget.Scope.KEY, "open");
        SpendControl spend = spendControl(budget);
        shared.down = true;
        // never settled: the first outage's ledger keeps holding it
        spend.admit(request("0.60"));
        shared.down = false;
        spend.admit(request("0.01")).settle(BigDecimal.ZERO, 0);

        shared.down = true;
        spend.admit(request("0.60"));
    }

    private SpendControl spendControl(Budget... budgets) {
        Budgets book = new Budgets((caller, user) -> List.of(budgets), shared,
                new StoreOutage(() -> new MemoryLedger(records, clock)),
                new BudgetAlerts(HttpClient.newHttpClient(), clock, 1, Duration.ofSeconds(1), Duration.ZERO,
                        new WebhookTargets(false)), clock);
        return new SpendEnforcer(new RateLimiter(new LocalBuckets(100, BucketStore.timeMeter(clock))), book);
    }

    private static Budget budget(String id, Budget.Scope scope, String onStoreOutage) {
        Budget hard = Spend.hard(id, scope, "1.00");
        return new Budget(hard.id(), hard.scope(), hard.subject(), hard.limitUsd(), hard.period(), hard.mode(),
                hard.alertThresholds(), hard.webhookUrl(), hard.includeByok(),
                Budget.OnStoreOutage.valueOf(onStoreOutage.toUpperCase(Locale.ROOT)));
    }

    /** A ledger that can be made unreachable: every call then fails, as Redis's do when it is away. */
    private static final class Reachable implements Ledger {

        private final Ledger ledger;
        volatile boolean down;

        Reachable(Ledger ledger) {
            this.ledger = ledger;
        }

        @Override
        public Refusal reserve(String requestId, List<BudgetLine> lines, long worstCaseNanos) {
            check();
            return ledger.reserve(requestId, lines, worstCaseNanos);
        }

        @Override
        public List<Crossing> settle(String requestId, List<BudgetLine> lines, long reservedNanos, long actualNanos) {
            check();
            return ledger.settle(requestId, lines, reservedNanos, actualNanos);
        }

        @Override
        public long spent(BudgetLine line) {
            check();
            return ledger.spent(line);
        }

        private void check() {
            if (down) {
                throw new IllegalStateException("Connection closed");
            }
        }
    }
}
