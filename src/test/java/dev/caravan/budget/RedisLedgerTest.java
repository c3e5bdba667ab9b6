package dev.caravan.budget;

import dev.caravan.testing.TestRedis;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.caravan.budget.Spend.nanos;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis ledger against the ledger contract, on the Redis of this machine, each ledger with a connection of its
 * own (as separate instances have); plus what only Redis needs: lapsing leases, and accounts Redis lost.
 */
class RedisLedgerTest extends LedgerContract {

    private static final Duration LEASE = Duration.ofMinutes(10);

    private final TestRedis redis = new TestRedis();
    private final List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();

    @Override
    protected Ledger ledger(SpendHistory history) {
        StatefulRedisConnection<String, String> connection = redis.connect();
        connections.add(connection);
        return new RedisLedger(connection, redis.prefix(), history, clock, LEASE);
    }

    @AfterEach
    void closeRedis() {
        connections.forEach(StatefulRedisConnection::close);
        redis.close();
    }

    @Test
    void a_reservation_never_settled_lapses_at_its_lease_and_is_never_released_twice() {
        Budget budget = Spend.hard("bud_k", Budget.Scope.KEY, "1.00");
        Ledger dead = ledger(SpendHistory.NONE);
        Ledger alive = ledger(SpendHistory.NONE);
        List<BudgetLine> lines = List.of(BudgetLine.of(budget, clock.instant()));

        assertThat(dead.reserve("lost", lines, nanos("0.80"))).isNull();
        assertThat(alive.reserve("r1", lines, nanos("0.80"))).isNotNull();

        clock.advance(LEASE.plusSeconds(1));
        assertThat(alive.reserve("r2", lines, nanos("0.80"))).isNull();
        // the lost request settles after all: its lapsed reservation must not be taken off r2's
        dead.settle("lost", lines, nanos("0.80"), 0);
        Ledger.Refusal refusal = alive.reserve("r3", lines, nanos("0.30"));
        assertThat(refusal).isNotNull();
        assertThat(refusal.reservedNanos()).isEqualTo(nanos("0.80"));
    }

    @Test
    void an_account_redis_lost_is_seeded_again_from_the_usage_records() {
        Budget budget = Spend.hard("bud_k", Budget.Scope.KEY, "1.00");
        Ledger ledger = ledger(line -> nanos("0.70"));
        List<BudgetLine> lines = List.of(BudgetLine.of(budget, clock.instant()));
        assertThat(ledger.reserve("r1", lines, nanos("0.10"))).isNull();
        ledger.settle("r1", lines, nanos("0.10"), nanos("0.10"));
        assertThat(ledger.spent(lines.getFirst())).isEqualTo(nanos("0.80"));

        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            connection.sync().del(redis.prefix() + "budget:" + lines.getFirst().account());
        }
        // a settle into a lost account does not recreate it with that cost alone
        ledger.settle("r1", lines, 0, nanos("0.05"));
        Ledger.Refusal refusal = ledger.reserve("r2", lines, nanos("0.40"));
        assertThat(refusal.spentNanos()).isEqualTo(nanos("0.70"));
    }

    @Test
    void reservations_held_when_redis_loses_everything_count_again_and_settle_to_the_exact_balance() {
        Budget budget = Spend.hard("bud_k", Budget.Scope.KEY, "1.00");
        Ledger ledger = ledger(line -> nanos("0.20"));
        List<BudgetLine> lines = List.of(BudgetLine.of(budget, clock.instant()));
        assertThat(ledger.reserve("r1", lines, nanos("0.30"))).isNull();
        assertThat(ledger.reserve("r2", lines, nanos("0.30"))).isNull();

        redis.deleteKeys();

        // seeded again from the records alone (0.20), 0.30 would fit: the held 0.60 must count again
        Ledger.Refusal refusal = ledger.reserve("r3", lines, nanos("0.30"));
        assertThat(refusal).isNotNull();
        assertThat(refusal.spentNanos()).isEqualTo(nanos("0.20"));
        assertThat(refusal.reservedNanos()).isEqualTo(nanos("0.60"));

        ledger.settle("r1", lines, nanos("0.30"), nanos("0.10"));
        ledger.settle("r2", lines, nanos("0.30"), nanos("0.15"));
        assertThat(ledger.reserve("r4", lines, nanos("0.56"))).satisfies(exact -> {
            assertThat(exact.spentNanos()).isEqualTo(nanos("0.45"));
            assertThat(exact.reservedNanos()).isZero();
        });
        assertThat(ledger.reserve("r5", lines, nanos("0.55"))).isNull();
    }

    @Test
    void another_instance_puts_its_reservations_back_at_its_next_call_after_redis_lost_everything() {
        Budget budget = Spend.hard("bud_k", Budget.Scope.KEY, "1.00");
        Ledger one = ledger(SpendHistory.NONE);
        Ledger two = ledger(SpendHistory.NONE);
        List<BudgetLine> lines = List.of(BudgetLine.of(budget, clock.instant()));
        assertThat(one.reserve("one", lines, nanos("0.30"))).isNull();
        assertThat(two.reserve("two-a", lines, nanos("0.40"))).isNull();
        assertThat(two.reserve("two-b", lines, nanos("0.10"))).isNull();

        redis.deleteKeys();
        // until two calls, only what one holds counts again: the gap the class comment states
        assertThat(one.reserve("probe", lines, nanos("0.71")).reservedNanos()).isEqualTo(nanos("0.30"));
        // two's settlement finds its marker gone and puts back what it still holds before settling
        two.settle("two-b", lines, nanos("0.10"), nanos("0.05"));

        Ledger.Refusal refusal = one.reserve("probe", lines, nanos("0.26"));
        assertThat(refusal.reservedNanos()).isEqualTo(nanos("0.70"));
        assertThat(refusal.spentNanos()).isEqualTo(nanos("0.05"));
    }

    @Test
    void reservations_on_an_account_redis_evicted_alone_go_back_with_it() {
        Budget budget = Spend.hard("bud_k", Budget.Scope.KEY, "1.00");
        Ledger ledger = ledger(line -> nanos("0.20"));
        List<BudgetLine> lines = List.of(BudgetLine.of(budget, clock.instant()));
        assertThat(ledger.reserve("r1", lines, nanos("0.30"))).isNull();

        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            String account = redis.prefix() + "budget:" + lines.getFirst().account();
            connection.sync().del(account, account + ":leases");
        }

        // the instance's marker is still there: the missing account alone says what was lost
        Ledger.Refusal refusal = ledger.reserve("r2", lines, nanos("0.60"));
        assertThat(refusal.spentNanos()).isEqualTo(nanos("0.20"));
        assertThat(refusal.reservedNanos()).isEqualTo(nanos("0.30"));
    }

    @Test
    void a_period_s_keys_expire_an_hour_after_it_ends() {
        Budget budget = Spend.hard("bud_k", Budget.Scope.KEY, "1.00");
        Ledger ledger = ledger(SpendHistory.NONE);
        List<BudgetLine> lines = List.of(BudgetLine.of(budget, clock.instant()));
        ledger.reserve("r1", lines, nanos("0.10"));
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            String account = redis.prefix() + "budget:" + lines.getFirst().account();
            // noon to 01:00 the next day: 13 hours, less the moments the test took since
            long thirteenHours = Duration.ofHours(13).toMillis();
            assertThat(connection.sync().pttl(account)).isBetween(thirteenHours - 10_000, thirteenHours);
            assertThat(connection.sync().pttl(account + ":leases")).isBetween(thirteenHours - 10_000, thirteenHours);
        }
    }
}
