package dev.caravan.cache;

import dev.caravan.simulator.Reply;
import dev.caravan.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ResponseCacheTest} with {@code caravan.redis.url} set, against the Redis on this machine under a prefix of
 * its own: the same behaviour, with the answers in Redis (where another replica reads them) rather than in memory.
 */
@DirtiesContext
class ResponseCacheRedisTest extends ResponseCacheTest {

    private static final TestRedis REDIS = new TestRedis();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("caravan.redis.url", () -> TestRedis.URL);
        registry.add("caravan.redis.key-prefix", REDIS::prefix);
    }

    @AfterAll
    static void deleteKeys() {
        REDIS.close();
    }

    @Test
    void the_answer_is_kept_in_redis_where_every_replica_reads_it() throws Exception {
        SIMULATOR.enqueue(Reply.text("shared through redis"));
        HttpResponse<String> miss = http.send(post("/v1/chat/completions", """
                {"model":"openai/gpt-5-mini","messages":[{"role":"user","content":"kept in redis"}],
                 "providerOptions":{"gateway":{"cache":true}}}""").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(miss.headers().firstValue("x-caravan-cache")).hasValue("miss");

        try (var connection = REDIS.connect()) {
            // the other tests' answers are there too: this one's is the one holding its reply
            List<String> keys = await().until(() -> connection.sync().keys(REDIS.prefix() + "answer:*").stream()
                    .filter(key -> connection.sync().get(key).contains("shared through redis")).toList(),
                    found -> !found.isEmpty());
            assertThat(keys).hasSize(1);
            String stored = connection.sync().get(keys.get(0));
            assertThat(stored).contains("\"model\":\"openai/gpt-5-mini\"").contains("\"completion\":{");
            assertThat(connection.sync().pttl(keys.get(0))).as("expires with the cache's ttl").isPositive();
            // what a second replica sees: the entry gone from Redis is gone for everyone
            connection.sync().del(keys.get(0));
        }
        SIMULATOR.enqueue(Reply.text("again"));
        HttpResponse<String> afterDelete = http.send(post("/v1/chat/completions", """
                {"model":"openai/gpt-5-mini","messages":[{"role":"user","content":"kept in redis"}],
                 "providerOptions":{"gateway":{"cache":true}}}""").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(afterDelete.headers().firstValue("x-caravan-cache")).as("no copy in this instance's memory")
                .hasValue("miss");
    }
}
