package dev.caravan.budget;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The ledger shared by replicas: one Redis hash per budget and period ({@code <prefix>budget:<id>:<period start>},
 * fields {@code spent}, {@code reserved}, {@code alert:<pct>}) and a sorted set of the reservations in flight. An
 * admission is one Lua script call and so is a settlement, each atomic in Redis however many instances call. A
 * period's keys expire an hour after it ends. In Redis Cluster a request's budgets would need one hash slot, so
 * this assumes a single Redis (or a primary with replicas).
 */
public final class RedisLedger implements Ledger {

    private static final Script RESERVE = Script.load("redis/budget-reserve.lua");
    private static final Script SETTLE = Script.load("redis/budget-settle.lua");

    private final RedisCommands<String, String> redis;
    private final String prefix;
    private final SpendHistory history;
    private final Clock clock;
    private final Duration lease;

    /**
     * @param lease how long a reservation holds if its request never settles (its instance died): after it, the
     *              reserved amount is given back to the budget. Longer than any request may run.
     */
    public RedisLedger(StatefulRedisConnection<String, String> connection, String prefix, SpendHistory history,
                       Clock clock, Duration lease) {
        this.redis = connection.sync();
        this.prefix = prefix;
        this.history = history;
        this.clock = clock;
        this.lease = lease;
    }

    @Override
    public Refusal reserve(String requestId, List<BudgetLine> lines, long worstCaseNanos) {
        long[] seeds = new long[lines.size()];
        Arrays.fill(seeds, -1);
        // a second call only when Redis had no account for some line: seed it from the usage records and retry
        for (int round = 0; ; round++) {
            long now = clock.millis();
            List<String> args = new ArrayList<>(4 + 4 * lines.size());
            args.add(requestId);
            args.add(Long.toString(now));
            args.add(Long.toString(now + lease.toMillis()));
            args.add(Long.toString(worstCaseNanos));
            for (int i = 0; i < lines.size(); i++) {
                BudgetLine line = lines.get(i);
                args.add(Long.toString(line.limitNanos()));
                args.add(line.hard() ? "1" : "0");
                args.add(Long.toString(seeds[i]));
                args.add(Long.toString(timeToLive(line, now)));
            }
            List<Long> result = RESERVE.run(redis, keys(lines), args);
            long outcome = result.get(0);
            if (outcome == 1) {
                return null;
            }
            if (outcome == 0) {
                return new Refusal(lines.get(result.get(1).intValue() - 1), result.get(2), result.get(3));
            }
            if (round == 2) {
                throw new IllegalStateException("budget accounts keep disappearing from Redis");
            }
            for (Long missing : result.subList(1, result.size())) {
                int i = missing.intValue() - 1;
                seeds[i] = history.spentSince(lines.get(i));
            }
        }
    }

    @Override
    public List<Crossing> settle(String requestId, List<BudgetLine> lines, long reservedNanos, long actualNanos) {
        long now = clock.millis();
        List<String> args = new ArrayList<>(3 + 4 * lines.size());
        args.add(requestId);
        args.add(Long.toString(reservedNanos));
        args.add(Long.toString(actualNanos));
        for (BudgetLine line : lines) {
            args.add(Long.toString(line.limitNanos()));
            args.add(line.hard() ? "1" : "0");
            args.add(Long.toString(timeToLive(line, now)));
            args.add(line.budget().alertThresholds().stream().map(String::valueOf)
                    .collect(Collectors.joining(",")));
        }
        List<Long> claimed = SETTLE.run(redis, keys(lines), args);
        List<Crossing> crossings = new ArrayList<>(claimed.size() / 3);
        for (int i = 0; i < claimed.size(); i += 3) {
            crossings.add(new Crossing(lines.get(claimed.get(i).intValue() - 1), claimed.get(i + 1).intValue(),
                    claimed.get(i + 2)));
        }
        return crossings;
    }

    @Override
    public long spent(BudgetLine line) {
        String spent = redis.hget(account(line), "spent");
        return spent == null ? history.spentSince(line) : Long.parseLong(spent);
    }

    private String account(BudgetLine line) {
        return prefix + "budget:" + line.account();
    }

    private String[] keys(List<BudgetLine> lines) {
        String[] keys = new String[lines.size() * 2];
        for (int i = 0; i < lines.size(); i++) {
            keys[2 * i] = account(lines.get(i));
            keys[2 * i + 1] = keys[2 * i] + ":leases";
        }
        return keys;
    }

    /**
     * Milliseconds until a line's keys may go, an hour after its period ends; 0 (forever) without a period. Relative
     * to this instance's clock rather than an absolute time for Redis's, so the two clocks need not agree.
     */
    private static long timeToLive(BudgetLine line, long now) {
        Instant end = line.periodEnd();
        return end == null ? 0 : Math.max(1, end.plus(MemoryLedger.GRACE).toEpochMilli() - now);
    }

    /** A Lua script, called by its SHA and sent whole only when Redis does not have it (first call, restart). */
    private record Script(String source, String sha) {

        static Script load(String resource) {
            try (InputStream in = RedisLedger.class.getClassLoader().getResourceAsStream(resource)) {
                String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return new Script(source, sha1(source));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        List<Long> run(RedisCommands<String, String> redis, String[] keys, List<String> args) {
            String[] values = args.toArray(String[]::new);
            try {
                return redis.evalsha(sha, ScriptOutputType.MULTI, keys, values);
            } catch (RedisNoScriptException e) {
                return redis.eval(source, ScriptOutputType.MULTI, keys, values);
            }
        }

        private static String sha1(String source) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-1")
                        .digest(source.getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
