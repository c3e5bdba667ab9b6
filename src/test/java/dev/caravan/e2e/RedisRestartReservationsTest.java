package dev.caravan.e2e;

import dev.caravan.budget.Budget;
import dev.caravan.budget.BudgetLine;
import dev.caravan.budget.Ledger;
import dev.caravan.budget.Money;
import dev.caravan.budget.RecordedSpend;
import dev.caravan.budget.RedisLedger;
import dev.caravan.testing.RedisServer;
import dev.caravan.testing.TestGateway;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reservations in flight when Redis restarts empty, on a {@code redis-server} of the test's own ({@link RedisServer}):
 * the ledger of a gateway as it runs (its Redis client and reconnection settings, its usage records), and a second
 * ledger on a connection of its own, standing for another replica that stays idle through the restart. The probe this
 * guards against: after such a restart, concurrent requests overspent a hard budget by 2.6%, as only the recorded
 * spend was seeded and every reservation in flight was forgotten.
 */
class RedisRestartReservationsTest {

    private static final String PREFIX = "restart-test:";

    private static RedisServer redis;
    private static ConfigurableApplicationContext gateway;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        gateway = TestGateway.withKey("cvn-test-restart-key-0123456789").set("caravan.redis.url", redis.url())
                .set("caravan.redis.key-prefix", PREFIX).start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void reservations_in_flight_count_again_after_redis_restarts_empty_and_settle_to_the_exact_balance()
            throws InterruptedException {
        // a key of its own: the records of earlier runs in the same database must not seed this budget
        String keyId = "key_" + UUID.randomUUID();
        Budget budget = new Budget("bud_restart", Budget.Scope.KEY, keyId, new BigDecimal("1.00"), Budget.Period.DAILY,
                Budget.Mode.HARD, List.of(), null, false, Budget.OnStoreOutage.CLOSED);
        List<BudgetLine> lines = List.of(BudgetLine.of(budget, Instant.now()));
        gateway.getBean(JdbcTemplate.class).update("INSERT INTO usage_records (id, created_at, key_id, cost_usd, "
                        + "is_byok, streamed, outcome, http_status) VALUES (?, ?, ?, ?, FALSE, FALSE, 'success', 200)",
                UUID.randomUUID().toString(), OffsetDateTime.now(ZoneOffset.UTC), keyId, new BigDecimal("0.10"));
        Ledger here = gateway.getBean(Ledger.class);
        try (StatefulRedisConnection<String, String> replicaConnection = gateway.getBean(RedisClient.class).connect();
             RedisClient probeClient = RedisClient.create(redis.url())) {
            Ledger replica = new RedisLedger(replicaConnection, PREFIX, gateway.getBean(RecordedSpend.class),
                    Clock.systemUTC(), Duration.ofHours(1));

            // 0.10 recorded, 0.40 + 0.30 held here, 0.15 by the replica: 0.05 left
            assertThat(here.reserve("r1", lines, usd("0.40"))).isNull();
            assertThat(here.reserve("r2", lines, usd("0.30"))).isNull();
            assertThat(replica.reserve("r3", lines, usd("0.15"))).isNull();

            redis.restartEmpty();

            // both ledgers put back what they hold when they reconnect, before any request finds the budget open
            String account = PREFIX + "budget:" + lines.getFirst().account();
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
                try (StatefulRedisConnection<String, String> probe = probeClient.connect()) {
                    assertThat(probe.sync().hget(account, "reserved")).isEqualTo(Long.toString(usd("0.85")));
                }
            });
            // seeded from the records alone, 0.90 would be left and 0.06 would fit
            Ledger.Refusal refusal = here.reserve("r4", lines, usd("0.06"));
            assertThat(refusal).isNotNull();
            assertThat(refusal.spentNanos()).isEqualTo(usd("0.10"));
            assertThat(refusal.reservedNanos()).isEqualTo(usd("0.85"));

            here.settle("r1", lines, usd("0.40"), usd("0.12"));
            here.settle("r2", lines, usd("0.30"), usd("0.08"));
            replica.settle("r3", lines, usd("0.15"), usd("0.05"));

            // 0.10 + 0.12 + 0.08 + 0.05, nothing held: 0.65 left to the nano-dollar
            assertThat(here.spent(lines.getFirst())).isEqualTo(usd("0.35"));
            Ledger.Refusal exact = here.reserve("r5", lines, usd("0.65") + 1);
            assertThat(exact.spentNanos()).isEqualTo(usd("0.35"));
            assertThat(exact.reservedNanos()).isZero();
            assertThat(here.reserve("r6", lines, usd("0.65"))).isNull();
        }
    }

    private static long usd(String usd) {
        return Money.nanos(new BigDecimal(usd));
    }
}
