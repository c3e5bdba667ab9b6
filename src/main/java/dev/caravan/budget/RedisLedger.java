package dev.caravan.budget;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;

/**
 * The ledger shared by replicas: one Redis hash per budget and period ({@code <prefix>budget:<id>:<period start>},
 * fields {@code spent}, {@code reserved}, {@code alert:<pct>}) and a sorted set of the reservations in flight. An
 * admission is one Lua script call and so is a settlement, each atomic in Redis however many instances call. A
 * period's keys expire an hour after it ends. In Redis Cluster a request's budgets would need one hash slot, so
 * this assumes a single Redis (or a primary with replicas).
 *
 * <p>Redis may lose everything (a restart with nothing on disk, a flush): spend is then seeded again from the usage
 * records, and each instance puts back the reservations it holds and has not settled, which it keeps in memory for
 * that alone. Each instance has a marker key in Redis ({@code <prefix>ledger:<uuid>}, living as long as a lease);
 * every admission and settlement checks it in the same script, so the first call after a loss, on any instance,
 * finds it gone before it can admit anything, and the instance restores its reservations (and seeds the accounts
 * they are on, from the records) in one atomic script before going on. A reconnection restores at once too, so an
 * instance that is idle when Redis comes back does not wait for its next request.
 *
 * <p>What that bounds, after Redis comes back empty: a request reserved through an instance that has made a call
 * (or reconnected) since counts again in full, so requests admitted through such instances overspend by nothing.
 * Two gaps remain. (1) Another instance's reservations count only once it has restored them: after a flush (no
 * reconnection) until its next call, after a restart until its reconnection, which takes at most
 * {@code caravan.redis.max-reconnect-delay}; an admission in that window may overspend by what that instance holds.
 * (2) The seed reads the usage records, which are written up to {@code caravan.usage.batch-interval} after their
 * request settled: costs settled in the last interval before the loss are missing from it, an overspend of at most
 * what was spent in that interval. A request is forgotten here before its settlement is sent, so a cost is never in
 * both a restored reservation and the records; a settlement that fails leaves the cost to the records alone.
 */
public final class RedisLedger implements Ledger {

    private static final Logger LOG = LoggerFactory.getLogger(RedisLedger.class);
    private static final Script RESERVE = Script.load("redis/budget-reserve.lua");
    private static final Script SETTLE = Script.load("redis/budget-settle.lua");
    private static final Script RESTORE = Script.load("redis/budget-restore.lua");
    /** What the scripts answer when the instance's marker is gone, before they change anything. */
    private static final long MARKER_GONE = -2;
    private static final int FORGET_LAPSED_EVERY = 1024;

    private final RedisCommands<String, String> redis;
    private final String prefix;
    private final String marker;
    private final SpendHistory history;
    private final Clock clock;
    private final Duration lease;
    /** This instance's reservations on hard lines not settled yet, by request id: what a restore puts back. */
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    /** Counts admissions held, to forget lapsed reservations now and then. */
    private final AtomicLong holds = new AtomicLong();
    /**
     * Admissions and settlements change Redis and {@link #held} together under the read lock; a restore reads
     * {@link #held} and puts it back under the write lock. Without it a settlement could release a reservation
     * between a restore's reading of it and its script, and the restore would hold it again until its lease ran out.
     */
    private final ReadWriteLock restoring = new ReentrantReadWriteLock();
    /** Counts completed restores: calls that found the marker gone together need only one. */
    private final AtomicLong restores = new AtomicLong();

    /**
     * @param lease how long a reservation holds if its request never settles (its instance died): after it, the
     *              reserved amount is given back to the budget. Longer than any request may run.
     */
    public RedisLedger(StatefulRedisConnection<String, String> connection, String prefix, SpendHistory history,
                       Clock clock, Duration lease) {
        this.redis = connection.sync();
        this.prefix = prefix;
        this.marker = prefix + "ledger:" + UUID.randomUUID();
        this.history = history;
        this.clock = clock;
        this.lease = lease;
        connection.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                // on Lettuce's event loop, where a blocking call would wait on itself
                Thread.ofVirtual().name("ledger-restore").start(RedisLedger.this::restoreAfterReconnect);
            }
        });
    }

    @Override
    public Refusal reserve(String requestId, List<BudgetLine> lines, long worstCaseNanos) {
        long[] seeds = new long[lines.size()];
        Arrays.fill(seeds, -1);
        // more calls only when Redis lost something: this instance's reservations (restore them), or accounts
        // (seed them from the usage records); then again
        for (int round = 0; ; round++) {
            long now = clock.millis();
            long deadline = now + lease.toMillis();
            List<String> args = new ArrayList<>(4 + 4 * lines.size());
            args.add(requestId);
            args.add(Long.toString(now));
            args.add(Long.toString(deadline));
            args.add(Long.toString(worstCaseNanos));
            for (int i = 0; i < lines.size(); i++) {
                BudgetLine line = lines.get(i);
                args.add(Long.toString(line.limitNanos()));
                args.add(line.hard() ? "1" : "0");
                args.add(Long.toString(seeds[i]));
                args.add(Long.toString(timeToLive(line, now)));
            }
            long restoresBefore = restores.get();
            List<Long> result;
            restoring.readLock().lock();
            try {
                result = RESERVE.run(redis, keys(lines), args);
                if (result.getFirst() == 1) {
                    hold(requestId, lines, worstCaseNanos, deadline);
                }
            } finally {
                restoring.readLock().unlock();
            }
            long outcome = result.getFirst();
            if (outcome == 1) {
                return null;
            }
            if (outcome == 0) {
                return new Refusal(lines.get(result.get(1).intValue() - 1), result.get(2), result.get(3));
            }
            if (round == 3) {
                throw new IllegalStateException("budget accounts keep disappearing from Redis");
            }
            if (outcome == MARKER_GONE) {
                restoreUnlessDoneSince(restoresBefore);
                continue;
            }
            List<BudgetLine> missing = result.subList(1, result.size()).stream()
                    .map(number -> lines.get(number.intValue() - 1)).toList();
            // an account missing is mostly a new period's, which nothing can be held on yet; one this instance
            // holds reservations on was lost (evicted, deleted), and they go back with it
            if (holdsOn(missing)) {
                restoreUnlessDoneSince(restoresBefore);
            }
            for (int i = 0; i < lines.size(); i++) {
                if (missing.contains(lines.get(i))) {
                    seeds[i] = history.spentSince(lines.get(i));
                }
            }
        }
    }

    private boolean holdsOn(List<BudgetLine> accounts) {
        return held.values().stream().flatMap(reservation -> reservation.lines().stream())
                .anyMatch(line -> accounts.stream().anyMatch(account -> account.account().equals(line.account())));
    }

    @Override
    public List<Crossing> settle(String requestId, List<BudgetLine> lines, long reservedNanos, long actualNanos) {
        for (int round = 0; ; round++) {
            long now = clock.millis();
            List<String> args = new ArrayList<>(4 + 4 * lines.size());
            args.add(requestId);
            args.add(Long.toString(reservedNanos));
            args.add(Long.toString(actualNanos));
            args.add(Long.toString(lease.toMillis()));
            for (BudgetLine line : lines) {
                args.add(Long.toString(line.limitNanos()));
                args.add(line.hard() ? "1" : "0");
                args.add(Long.toString(timeToLive(line, now)));
                args.add(line.budget().alertThresholds().stream().map(String::valueOf)
                        .collect(Collectors.joining(",")));
            }
            long restoresBefore = restores.get();
            List<Long> result;
            restoring.readLock().lock();
            try {
                release(requestId, lines);
                result = SETTLE.run(redis, keys(lines), args);
            } finally {
                restoring.readLock().unlock();
            }
            if (result.getFirst() == MARKER_GONE) {
                if (round == 2) {
                    throw new IllegalStateException("this instance's ledger marker keeps disappearing from Redis");
                }
                // this one's reservation is gone with the rest and stays gone; the others must count again
                restoreUnlessDoneSince(restoresBefore);
                continue;
            }
            List<Crossing> crossings = new ArrayList<>(result.size() / 3);
            for (int i = 1; i + 2 < result.size(); i += 3) {
                crossings.add(new Crossing(lines.get(result.get(i).intValue() - 1), result.get(i + 1).intValue(),
                        result.get(i + 2)));
            }
            return crossings;
        }
    }

    @Override
    public long spent(BudgetLine line) {
        String spent = redis.hget(account(line), "spent");
        return spent == null ? history.spentSince(line) : Long.parseLong(spent);
    }

    private String account(BudgetLine line) {
        return prefix + "budget:" + line.account();
    }

    /** Per line its account and its leases, then this instance's marker. */
    private String[] keys(List<BudgetLine> lines) {
        String[] keys = new String[lines.size() * 2 + 1];
        for (int i = 0; i < lines.size(); i++) {
            keys[2 * i] = account(lines.get(i));
            keys[2 * i + 1] = keys[2 * i] + ":leases";
        }
        keys[keys.length - 1] = marker;
        return keys;
    }

    /** Records an admitted request's reservation on its hard lines, for a restore to put back. Under the read lock. */
    private void hold(String requestId, List<BudgetLine> lines, long worstCaseNanos, long deadline) {
        List<BudgetLine> hard = lines.stream().filter(BudgetLine::hard).toList();
        if (hard.isEmpty()) {
            return;
        }
        held.put(requestId, new Held(hard, worstCaseNanos, deadline));
        if (holds.incrementAndGet() % FORGET_LAPSED_EVERY == 0) {
            // a request that never settles (its thread died) must not be remembered forever
            long now = clock.millis();
            held.values().removeIf(reservation -> reservation.deadline() <= now);
        }
    }

    /**
     * Forgets the lines settled of a request's reservation. {@link Budgets#settle} may settle one reservation in two
     * calls on different lines (a BYOK request released without charge where BYOK does not count): the rest stays
     * held. A request settled twice, or never reserved here, changes nothing. Under the read lock, with the
     * settlement's script: a restore puts back either both or neither.
     */
    private void release(String requestId, List<BudgetLine> lines) {
        held.computeIfPresent(requestId, (id, reservation) -> {
            List<BudgetLine> rest = reservation.lines().stream()
                    .filter(line -> lines.stream().noneMatch(settled -> settled.account().equals(line.account())))
                    .toList();
            return rest.isEmpty() ? null : new Held(rest, reservation.worstCaseNanos(), reservation.deadline());
        });
    }

    /**
     * Puts back this instance's held reservations Redis no longer has, seeding from the usage records the accounts
     * they are on that Redis lost, and sets the marker again: one atomic script, so no admission sees an account
     * seeded without them. The usage records are read outside the lock, so admissions wait only on Redis.
     */
    private void restore() {
        Map<String, Long> seeds = new HashMap<>();
        for (int round = 0; ; round++) {
            List<BudgetLine> missing = new ArrayList<>();
            restoring.writeLock().lock();
            try {
                long now = clock.millis();
                held.values().removeIf(reservation -> reservation.deadline() <= now);
                Map<String, Integer> numbers = new HashMap<>();
                List<BudgetLine> lines = new ArrayList<>();
                List<String> leases = new ArrayList<>(3 * held.size());
                held.forEach((requestId, reservation) -> {
                    for (BudgetLine line : reservation.lines()) {
                        Integer number = numbers.computeIfAbsent(line.account(), account -> {
                            lines.add(line);
                            return lines.size();
                        });
                        leases.add(number.toString());
                        leases.add(Long.toString(reservation.deadline()));
                        leases.add(requestId + ":" + reservation.worstCaseNanos());
                    }
                });
                List<String> args = new ArrayList<>(3 + 2 * lines.size() + leases.size());
                args.add(Long.toString(now));
                args.add(Long.toString(lease.toMillis()));
                args.add(Integer.toString(lines.size()));
                for (BudgetLine line : lines) {
                    args.add(Long.toString(seeds.getOrDefault(line.account(), -1L)));
                    args.add(Long.toString(timeToLive(line, now)));
                }
                args.addAll(leases);
                List<Long> result = RESTORE.run(redis, keys(lines), args);
                if (result.getFirst() == 1) {
                    restores.incrementAndGet();
                    if (result.get(1) > 0) {
                        LOG.warn("Redis had lost budget reservations held by this instance: {} put back",
                                result.get(1));
                    }
                    return;
                }
                result.subList(1, result.size()).forEach(number -> missing.add(lines.get(number.intValue() - 1)));
            } finally {
                restoring.writeLock().unlock();
            }
            if (round == 2) {
                throw new IllegalStateException("budget accounts keep disappearing from Redis");
            }
            for (BudgetLine line : missing) {
                seeds.put(line.account(), history.spentSince(line));
            }
        }
    }

    /** A restore, unless one completed since {@code restoresBefore}: then the caller's next try finds the marker. */
    private void restoreUnlessDoneSince(long restoresBefore) {
        if (restores.get() == restoresBefore) {
            restore();
        }
    }

    private void restoreAfterReconnect() {
        try {
            restore();
        } catch (RuntimeException e) {
            // the next admission or settlement finds the marker gone and tries again
            LOG.warn("held budget reservations could not be checked after reconnecting to Redis: {}", e.toString());
        }
    }

    /**
     * Milliseconds until a line's keys may go, an hour after its period ends; 0 (forever) without a period. Relative
     * to this instance's clock rather than an absolute time for Redis's, so the two clocks need not agree.
     */
    private static long timeToLive(BudgetLine line, long now) {
        Instant end = line.periodEnd();
        return end == null ? 0 : Math.max(1, end.plus(MemoryLedger.GRACE).toEpochMilli() - now);
    }

    /** A reservation this instance holds: its hard lines not settled yet, its amount, its lease deadline (ms). */
    private record Held(List<BudgetLine> lines, long worstCaseNanos, long deadline) {
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
