package dev.caravan.keys;

import dev.caravan.auth.AuthProperties;
import dev.caravan.auth.GatewayKeys;
import dev.caravan.auth.oidc.OidcProperties;
import dev.caravan.auth.oidc.OidcTokens;
import dev.caravan.controlplane.Change;
import dev.caravan.controlplane.ControlPlaneProperties;
import dev.caravan.controlplane.FreshCache;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.identity.Caller;
import dev.caravan.identity.RateLimit;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The request path's key cache against a fake database and a fake clock: how many queries it makes, and how stale
 * an answer can get when the change feed says nothing.
 */
class KeyLookupTest {

    private static final Duration STALENESS = Duration.ofSeconds(1);
    private static final String HASH = KeyHash.sha256("cvn_some-key");
    private static final Caller CALLER = new Caller("key_a", "prj_a", new RateLimit(5L, null), RateLimit.NONE);

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicInteger queries = new AtomicInteger();
    /** The fake api_keys table: hash to caller; a missing hash is unknown or revoked. */
    private final Map<String, Caller> table = new ConcurrentHashMap<>(Map.of(HASH, CALLER));
    private volatile boolean databaseDown;
    /** Background work (refreshes) waits here until the test runs it: a database slower than any request. */
    private final Queue<Runnable> background = new ConcurrentLinkedQueue<>();
    private final KeyLookup lookup = new KeyLookup(new FreshCache<>(new ControlPlaneProperties(STALENESS, 1000, Duration.ofSeconds(2)),
            hash -> {
                queries.incrementAndGet();
                if (databaseDown) {
                    throw new IllegalStateException("Connection refused");
                }
                return Optional.ofNullable(table.get(hash));
            }, nanos::get, background::add));

    @Test
    void a_burst_of_requests_with_one_key_makes_one_query() {
        for (int i = 0; i < 1000; i++) {
            assertThat(lookup.caller(HASH)).contains(CALLER);
        }
        assertThat(queries).hasValue(1);
    }

    @Test
    void a_database_that_cannot_be_read_is_a_503_for_the_request_not_an_internal_error() {
        databaseDown = true;

        assertThatThrownBy(() -> lookup.caller(HASH)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.STORE_UNAVAILABLE);
            assertThat(e.kind().status()).isEqualTo(503);
            assertThat(e.getMessage()).doesNotContain("Connection refused");
        });
        databaseDown = false;
        assertThat(lookup.caller(HASH)).contains(CALLER);
    }

    @Test
    void a_key_hammered_with_that_is_unknown_costs_one_query_too() {
        String wrong = KeyHash.sha256("cvn_wrong");
        for (int i = 0; i < 1000; i++) {
            assertThat(lookup.caller(wrong)).isEmpty();
        }
        assertThat(queries).hasValue(1);
    }

    @Test
    void a_revoked_key_is_refused_within_max_staleness_even_when_no_change_arrives() {
        assertThat(lookup.caller(HASH)).contains(CALLER);
        table.remove(HASH);

        advance(STALENESS.minusMillis(1));
        assertThat(lookup.caller(HASH)).as("cached, re-read in the background, which has not run").contains(CALLER);
        advance(Duration.ofMillis(1));
        assertThat(lookup.caller(HASH)).as("as old as max staleness: read again before answering").isEmpty();
    }

    @Test
    void an_entry_in_use_is_read_again_in_the_background_before_it_expires() {
        assertThat(lookup.caller(HASH)).contains(CALLER);
        Caller limited = new Caller("key_a", "prj_a", new RateLimit(1L, 1L), RateLimit.NONE);
        table.put(HASH, limited);

        advance(STALENESS.multipliedBy(3).dividedBy(4).plusMillis(1));
        assertThat(lookup.caller(HASH)).as("answered at once from the cache").contains(CALLER);
        runBackgroundWork();
        assertThat(lookup.caller(HASH)).as("read again in the background").contains(limited);
        assertThat(queries).hasValue(2);
    }

    @Test
    void forgets_a_key_as_soon_as_it_is_told_the_key_changed() {
        assertThat(lookup.caller(HASH)).contains(CALLER);
        table.remove(HASH);

        lookup.forget(Change.key("key_other"));
        assertThat(lookup.caller(HASH)).as("another key changed").contains(CALLER);
        lookup.forget(Change.key("key_a"));
        assertThat(lookup.caller(HASH)).isEmpty();
    }

    @Test
    void forgets_every_key_of_a_project_whose_limits_changed() {
        String otherHash = KeyHash.sha256("cvn_other");
        Caller other = new Caller("key_b", "prj_b", RateLimit.NONE, RateLimit.NONE);
        table.put(otherHash, other);
        lookup.caller(HASH);
        lookup.caller(otherHash);
        Caller newLimit = new Caller("key_a", "prj_a", CALLER.keyLimit(), new RateLimit(100L, null));
        table.put(HASH, newLimit);

        lookup.forget(Change.project("prj_a"));

        assertThat(lookup.caller(HASH)).contains(newLimit);
        assertThat(lookup.caller(otherHash)).contains(other);
        assertThat(queries).as("only prj_a's key read again").hasValue(3);
    }

    private static final OidcProperties NO_ISSUERS = new OidcProperties(List.of(), Duration.ofSeconds(60), 6144, 100,
            Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(12), Duration.ofSeconds(2));

    @Test
    void the_gateway_refuses_keys_not_shaped_like_issued_ones_without_a_query() {
        GatewayKeys keys = new GatewayKeys(new AuthProperties("", List.of(), ""), lookup, new OidcTokens(NO_ISSUERS, null),
                NO_ISSUERS);
        for (String junk : List.of("sk-not-ours-0123456789abcdef", "cvn_short", "cvn_" + "!".repeat(43), "x")) {
            assertThatThrownBy(() -> keys.authenticate(exchangeWith(junk))).isInstanceOf(GatewayException.class);
        }
        assertThat(queries).hasValue(0);

        String issued = KeySecrets.newSecret();
        table.put(KeyHash.sha256(issued), CALLER);
        Exchange exchange = exchangeWith(issued);
        keys.authenticate(exchange);
        assertThat(exchange.getProperty(Caller.PROPERTY, Caller.class)).isEqualTo(CALLER);
        assertThat(exchange.getMessage().getHeader("Authorization")).as("credential removed").isNull();
    }

    private void runBackgroundWork() {
        for (Runnable task = background.poll(); task != null; task = background.poll()) {
            task.run();
        }
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    private static Exchange exchangeWith(String key) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader("Authorization", "Bearer " + key);
        return exchange;
    }
}
