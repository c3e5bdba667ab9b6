package dev.caravan.ratelimit;

import dev.caravan.identity.Caller;
import dev.caravan.identity.RateLimit;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Requests per minute and tokens per minute, per key and per project (one bucket per project, shared by its keys).
 * A request takes one request token at admission. Its token count is known only at the end, so admission only
 * checks that the token bucket is not empty, and the settlement takes the real count, into debt if need be: the
 * requests after a large one wait until the debt is refilled.
 */
public final class RateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final BucketStore buckets;
    /** Where limits are kept while {@link #buckets} (Redis) cannot be reached: this instance's own memory. */
    private final BucketStore whileAway;
    /** {@link #buckets} failed last time: an outage is logged once when it starts and once when it ends. */
    private final AtomicBoolean away = new AtomicBoolean();

    /** Limits kept in {@code buckets} alone (in memory, where nothing can be away). */
    public RateLimiter(BucketStore buckets) {
        this(buckets, null);
    }

    /** Limits kept in {@code buckets} (Redis), degrading to {@code whileAway} when it cannot be reached. */
    public RateLimiter(BucketStore buckets, BucketStore whileAway) {
        this.buckets = buckets;
        this.whileAway = whileAway;
    }

    /** Admits the request or throws the 429; null when neither the key nor its project has a limit. */
    public Admission admit(Caller caller) {
        if (!caller.keyLimit().limited() && !caller.projectLimit().limited()) {
            return null;
        }
        List<Subject> subjects = subjects(caller);
        try {
            Admission admitted = admit(buckets, subjects);
            if (away.compareAndSet(true, false)) {
                LOG.info("rate limits are kept in the shared store again");
            }
            return admitted;
        } catch (RateLimitExceeded e) {
            throw e;
        } catch (RuntimeException e) {
            // a limiter that cannot reach Redis must not take the gateway down with it: rate limits protect
            // capacity, not money (budgets refuse instead when they cannot be checked), so each instance limits on
            // its own until Redis is back, and a gateway without a fallback lets the request through
            if (away.compareAndSet(false, true)) {
                LOG.warn("rate limits cannot reach their shared store ({}); {} until it is back", e.toString(),
                        whileAway == null ? "requests are let through" : "each instance limits on its own");
            }
            return whileAway == null ? null : admit(whileAway, subjects);
        }
    }

    private static Admission admit(BucketStore buckets, List<Subject> subjects) {
        RateLimitHeaders.Window tokens = null;
        List<Bucket> tokenBuckets = new ArrayList<>(2);
        for (Subject subject : subjects) {
            Long perMinute = subject.limit().tokensPerMinute();
            if (perMinute != null) {
                Bucket bucket = buckets.bucket(subject.bucket("tokens", perMinute), perMinute);
                EstimationProbe probe = bucket.estimateAbilityToConsume(1);
                // a refused estimate reports 0 left, not the debt: its wait for one token tells how deep it is
                long toFull = probe.canBeConsumed() ? toFull(perMinute, probe.getRemainingTokens())
                        : probe.getNanosToWaitForRefill() + toFull(perMinute, 1);
                RateLimitHeaders.Window window = new RateLimitHeaders.Window(perMinute, probe.getRemainingTokens(),
                        toFull);
                if (!probe.canBeConsumed()) {
                    throw refusal(subject, perMinute + " tokens per minute, used up by earlier requests",
                            probe.getNanosToWaitForRefill(), RateLimitHeaders.of(null, window));
                }
                tokens = RateLimitHeaders.Window.tighter(tokens, window);
                tokenBuckets.add(bucket);
            }
        }
        RateLimitHeaders.Window requests = null;
        List<Bucket> taken = new ArrayList<>(2);
        for (Subject subject : subjects) {
            Long perMinute = subject.limit().requestsPerMinute();
            if (perMinute != null) {
                Bucket bucket = buckets.bucket(subject.bucket("requests", perMinute), perMinute);
                ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
                RateLimitHeaders.Window window = new RateLimitHeaders.Window(perMinute, probe.getRemainingTokens(),
                        probe.getNanosToWaitForReset());
                if (!probe.isConsumed()) {
                    // the key's bucket gave a token the project's then refused: a refused request costs nothing
                    taken.forEach(b -> b.addTokens(1));
                    throw refusal(subject, perMinute + " requests per minute", probe.getNanosToWaitForRefill(),
                            RateLimitHeaders.of(window, tokens));
                }
                requests = RateLimitHeaders.Window.tighter(requests, window);
                taken.add(bucket);
            }
        }
        return new Admission(RateLimitHeaders.of(requests, tokens), List.copyOf(tokenBuckets), List.copyOf(taken));
    }

    private static List<Subject> subjects(Caller caller) {
        List<Subject> subjects = new ArrayList<>(2);
        if (caller.keyLimit().limited()) {
            subjects.add(new Subject("key", caller.keyId(), caller.keyLimit()));
        }
        if (caller.projectId() != null && caller.projectLimit().limited()) {
            subjects.add(new Subject("project", caller.projectId(), caller.projectLimit()));
        }
        return subjects;
    }

    /** How long a bucket with {@code remaining} (negative in debt) takes to be full again. */
    static long toFull(long perMinute, long remaining) {
        // in doubles: a bucket deep in debt times a minute in nanoseconds overflows a long
        return (long) Math.min(Long.MAX_VALUE, Math.max(0, (double) (perMinute - remaining) * MINUTE_NANOS / perMinute));
    }

    private static RateLimitExceeded refusal(Subject subject, String limit, long nanosToWait,
                                             Map<String, String> headers) {
        long seconds = Math.max(1, Math.ceilDiv(nanosToWait, 1_000_000_000L));
        String whose = subject.scope().equals("key") ? "this key" : "this key's project";
        return new RateLimitExceeded("Rate limit reached for " + whose + ": " + limit + ". Retry in " + seconds
                + " s.", seconds, headers);
    }

    private record Subject(String scope, String id, RateLimit limit) {

        String bucket(String kind, long perMinute) {
            return scope + ":" + id + ":" + kind + ":" + perMinute;
        }
    }

    /** An admitted request's headers, and its token buckets to charge when its real count is known. */
    public static final class Admission {

        private final Map<String, String> headers;
        private final List<Bucket> tokenBuckets;
        private final List<Bucket> requestBuckets;

        Admission(Map<String, String> headers, List<Bucket> tokenBuckets, List<Bucket> requestBuckets) {
            this.headers = Collections.unmodifiableMap(headers);
            this.tokenBuckets = tokenBuckets;
            this.requestBuckets = requestBuckets;
        }

        /** The request was refused after all (a budget): the requests it took are given back, as for any refusal. */
        public void giveBack() {
            for (Bucket bucket : requestBuckets) {
                try {
                    bucket.addTokens(1);
                } catch (RuntimeException e) {
                    LOG.warn("a refused request could not be given back to its rate limit: {}", e.toString());
                }
            }
        }

        public Map<String, String> headers() {
            return headers;
        }

        public void settle(long actualTokens) {
            if (actualTokens <= 0) {
                return;
            }
            for (Bucket bucket : tokenBuckets) {
                try {
                    bucket.consumeIgnoringRateLimits(actualTokens);
                } catch (RuntimeException e) {
                    LOG.warn("a request's tokens could not be charged to its rate limit: {}", e.toString());
                }
            }
        }
    }
}
