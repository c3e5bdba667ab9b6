package dev.caravan.budget;

import dev.caravan.error.GatewayException;
import dev.caravan.ratelimit.BucketStore;
import dev.caravan.ratelimit.LocalBuckets;
import dev.caravan.ratelimit.RateLimiter;
import dev.caravan.testing.TestRedis;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.caravan.budget.Spend.nanos;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hard-budget promise: 200 requests at once, spread over two instances sharing Redis (and, without Redis, on
 * one instance), each reserving a worst case of 0.10 USD and costing a random 0.01 to 0.10 in the end, against a
 * key budget of 5.00 that the demand (about 11 USD) far exceeds. The spend must never pass the limit, must equal
 * the sum of the admitted requests' costs to the nano (no update lost between instances), and once the requests in
 * flight have settled, must reach the limit to within one request's worst case (no reservation left behind).
 */
class HardBudgetUnderConcurrencyRedisTest {

    private static final int REQUESTS = 200;
    private static final int ATTEMPTS = 20;
    private static final String WORST_CASE = "0.10";
    private static final Budget KEY = Spend.hard("bud_key", Budget.Scope.KEY, "5.00");
    private static final Budget PROJECT = Spend.hard("bud_project", Budget.Scope.PROJECT, "6.00");

    @Test
    void holds_over_two_instances_sharing_redis() throws Exception {
        try (TestRedis redis = new TestRedis();
             StatefulRedisConnection<String, String> first = redis.connect();
             StatefulRedisConnection<String, String> second = redis.connect()) {
            Ledger one = new RedisLedger(first, redis.prefix(), SpendHistory.NONE, Clock.systemUTC(),
                    Duration.ofHours(1));
            Ledger two = new RedisLedger(second, redis.prefix(), SpendHistory.NONE, Clock.systemUTC(),
                    Duration.ofHours(1));
            check(List.of(instance(one), instance(two)), one);
            assertThat(first.sync().hget(redis.prefix() + "budget:" + line(KEY).account(), "reserved"))
                    .isEqualTo("0");
        }
    }

    @Test
    void holds_on_one_instance_in_memory() throws Exception {
        Ledger ledger = new MemoryLedger(SpendHistory.NONE, Clock.systemUTC());
        check(List.of(instance(ledger)), ledger);
    }

    private static void check(List<SpendControl> instances, Ledger ledger) throws Exception {
        AtomicLong charged = new AtomicLong();
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> requests = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                SpendControl instance = instances.get(i % instances.size());
                requests.add(pool.submit(() -> {
                    start.await();
                    // a client that keeps sending until refused, so demand outlasts the budget (bounded, so a
                    // broken ledger fails the test instead of admitting forever)
                    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                        SpendControl.Admission admission;
                        try {
                            admission = instance.admit(Spend.request(WORST_CASE));
                        } catch (GatewayException refused) {
                            return null;
                        }
                        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        long cost = ThreadLocalRandom.current().nextLong(nanos("0.01"), nanos(WORST_CASE) + 1);
                        admitted.incrementAndGet();
                        charged.addAndGet(cost);
                        // the provider call: other requests run meanwhile, holding their reservations too
                        Thread.yield();
                        admission.settle(Money.usd(cost), 100);
                        inFlight.decrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> request : requests) {
                request.get();
            }
        }
        long limit = nanos("5.00");
        long spent = ledger.spent(line(KEY));
        assertThat(spent).isLessThanOrEqualTo(limit).isEqualTo(charged.get());
        assertThat(ledger.spent(line(PROJECT))).isEqualTo(spent);
        assertThat(mostInFlight.get()).as("requests in flight at once").isGreaterThan(1);
        assertThat(admitted.get()).isGreaterThan(50);

        // requests that were refused while others held reservations: with everything settled, the rest is usable
        SpendControl last = instances.getLast();
        for (long attempt = 0; attempt <= limit / nanos(WORST_CASE); attempt++) {
            try {
                last.admit(Spend.request(WORST_CASE)).settle(new BigDecimal(WORST_CASE), 100);
            } catch (GatewayException refused) {
                break;
            }
        }
        spent = ledger.spent(line(KEY));
        assertThat(spent).isLessThanOrEqualTo(limit).isGreaterThan(limit - nanos(WORST_CASE));
    }

    private static SpendControl instance(Ledger ledger) {
        Budgets budgets = new Budgets((caller, user) -> List.of(KEY, PROJECT), ledger, Spend.outage(),
                new BudgetAlerts(HttpClient.newHttpClient(), Clock.systemUTC(), 1, Duration.ofSeconds(1),
                        Duration.ZERO, new WebhookTargets(false)), Clock.systemUTC());
        return new SpendEnforcer(new RateLimiter(new LocalBuckets(100, BucketStore.timeMeter(Clock.systemUTC()))),
                budgets);
    }

    private static BudgetLine line(Budget budget) {
        return BudgetLine.of(budget, Clock.systemUTC().instant());
    }
}
