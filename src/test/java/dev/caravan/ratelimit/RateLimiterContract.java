package dev.caravan.ratelimit;

import dev.caravan.error.ErrorKind;
import dev.caravan.identity.Caller;
import dev.caravan.identity.RateLimit;
import dev.caravan.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/**
 * What rate limits must do wherever their buckets live: requests counted at admission, tokens charged at the end
 * (into debt), the project's bucket shared by its keys, the tightest limit in the headers, OpenAI's header values,
 * and a 429 with {@code Retry-After}. Time is moved by hand, so nothing waits for a bucket to refill.
 */
abstract class RateLimiterContract {

    protected final MutableClock clock = new MutableClock(Instant.parse("2025-03-10T12:00:00Z"));

    /** A limiter over the shared buckets: for Redis, with a connection of its own, as another instance has. */
    protected abstract RateLimiter limiter();

    static Caller key(String keyId, String projectId, RateLimit keyLimit, RateLimit projectLimit) {
        return new Caller(keyId, projectId, keyLimit, projectLimit);
    }

    @Test
    void requests_per_minute_count_down_then_refuse_until_the_bucket_refills() {
        RateLimiter limiter = limiter();
        Caller caller = key("key_1", null, new RateLimit(3L, null), RateLimit.NONE);

        assertThat(limiter.admit(caller).headers()).containsExactly(entry("x-ratelimit-limit-requests", "3"),
                entry("x-ratelimit-remaining-requests", "2"), entry("x-ratelimit-reset-requests", "20s"));
        assertThat(limiter.admit(caller).headers()).containsEntry("x-ratelimit-remaining-requests", "1")
                .containsEntry("x-ratelimit-reset-requests", "40s");
        assertThat(limiter.admit(caller).headers()).containsEntry("x-ratelimit-remaining-requests", "0")
                .containsEntry("x-ratelimit-reset-requests", "1m0s");

        assertThatThrownBy(() -> limiter.admit(caller)).isInstanceOfSatisfying(RateLimitExceeded.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.GATEWAY_RATE_LIMITED);
            assertThat(e.kind().status()).isEqualTo(429);
            assertThat(e.retryAfterSeconds()).isEqualTo(20);
            assertThat(e.getMessage()).isEqualTo("Rate limit reached for this key: 3 requests per minute. "
                    + "Retry in 20 s.");
            assertThat(e.headers()).containsEntry("x-ratelimit-limit-requests", "3")
                    .containsEntry("x-ratelimit-remaining-requests", "0")
                    .containsEntry("x-ratelimit-reset-requests", "1m0s");
        });

        clock.advance(Duration.ofSeconds(20));
        assertThat(limiter.admit(caller).headers()).containsEntry("x-ratelimit-remaining-requests", "0");
    }

    @Test
    void a_request_refused_after_admission_gives_its_request_back() {
        RateLimiter limiter = limiter();
        Caller caller = key("key_back", "prj_back", new RateLimit(2L, null), new RateLimit(5L, null));

        limiter.admit(caller).giveBack();

        // the given-back request left both the key's and the project's buckets as they were
        assertThat(limiter.admit(caller).headers()).containsEntry("x-ratelimit-remaining-requests", "1");
    }

    @Test
    void tokens_are_charged_at_the_end_and_a_debt_makes_the_next_requests_wait() {
        RateLimiter limiter = limiter();
        Caller caller = key("key_1", null, new RateLimit(null, 1000L), RateLimit.NONE);

        RateLimiter.Admission first = limiter.admit(caller);
        assertThat(first.headers()).containsExactly(entry("x-ratelimit-limit-tokens", "1000"),
                entry("x-ratelimit-remaining-tokens", "1000"), entry("x-ratelimit-reset-tokens", "0s"));
        first.settle(1500);

        // 500 tokens in debt: 501 must come back before one is left, at 1000 a minute that is 30.06 s
        assertThatThrownBy(() -> limiter.admit(caller)).isInstanceOfSatisfying(RateLimitExceeded.class, e -> {
            assertThat(e.retryAfterSeconds()).isEqualTo(31);
            assertThat(e.getMessage()).contains("1000 tokens per minute");
            assertThat(e.headers()).containsEntry("x-ratelimit-remaining-tokens", "0")
                    .containsEntry("x-ratelimit-reset-tokens", "1m30s");
        });
        clock.advance(Duration.ofSeconds(31));
        assertThat(limiter.admit(caller).headers()).containsEntry("x-ratelimit-remaining-tokens", "16");
    }

    @Test
    void a_project_s_keys_share_its_bucket() {
        RateLimiter limiter = limiter();
        RateLimit project = new RateLimit(2L, null);
        Caller a = key("key_a", "proj_1", RateLimit.NONE, project);
        Caller b = key("key_b", "proj_1", RateLimit.NONE, project);
        limiter.admit(a);
        limiter.admit(b);
        assertThatThrownBy(() -> limiter.admit(a)).hasMessageContaining("this key's project: 2 requests per minute");
        assertThatThrownBy(() -> limiter.admit(b)).isInstanceOf(RateLimitExceeded.class);
        assertThat(limiter.admit(key("key_c", "proj_2", RateLimit.NONE, project))).isNotNull();
    }

    @Test
    void a_request_its_project_refuses_gives_its_key_s_token_back() {
        RateLimiter limiter = limiter();
        RateLimit keyLimit = new RateLimit(2L, null);
        Caller inProject = key("key_a", "proj_1", keyLimit, new RateLimit(1L, null));
        limiter.admit(inProject);
        assertThatThrownBy(() -> limiter.admit(inProject)).hasMessageContaining("project");
        // the same key's bucket, seen without the project: the refused request took nothing from it
        assertThat(limiter.admit(key("key_a", null, keyLimit, RateLimit.NONE)).headers())
                .containsEntry("x-ratelimit-remaining-requests", "0");
    }

    @Test
    void the_headers_show_the_tighter_of_the_key_s_and_the_project_s_limits() {
        RateLimiter limiter = limiter();
        Caller caller = key("key_1", "proj_1", new RateLimit(10L, 5000L), new RateLimit(3L, 100000L));
        assertThat(limiter.admit(caller).headers()).containsEntry("x-ratelimit-limit-requests", "3")
                .containsEntry("x-ratelimit-remaining-requests", "2")
                .containsEntry("x-ratelimit-limit-tokens", "5000");
    }

    @Test
    void a_caller_without_limits_takes_no_bucket() {
        assertThat(limiter().admit(Caller.ENVIRONMENT)).isNull();
    }
}
