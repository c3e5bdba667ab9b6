package dev.caravan.e2e;

import dev.caravan.simulator.RecordedRequest;
import dev.caravan.simulator.Reply;
import org.apache.camel.CamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * chain/premium-first's own breaker (routes/chains/premium-first.yaml), over real HTTP: a premium key's requests go
 * to Anthropic's model until three in a row found its providers exhausted, then straight to the fallback, OpenAI's,
 * while the circuit is open; a client's own error neither counts nor goes to the fallback.
 */
@DirtiesContext
class PremiumFirstBreakerTest extends GatewayTestBase {

    private static final String ADMIN_KEY = "cvn-test-admin-key-premium-breaker-0123";

    @Autowired
    CamelContext camel;

    private String premiumKey;

    @DynamicPropertySource
    static void adminKey(DynamicPropertyRegistry registry) {
        registry.add("CARAVAN_ADMIN_KEY", () -> ADMIN_KEY);
    }

    @BeforeEach
    void premiumProjectAndFreshBreaker() throws Exception {
        String project = json(admin("/v1/admin/projects", "{\"name\":\"premium\"}").body()).path("id").asText();
        premiumKey = json(admin("/v1/admin/keys", "{\"name\":\"p\",\"projectId\":\"" + project + "\"}").body())
                .path("secret").asText();
        // the shipped file with this test's project as the premium one; reloading it starts its breaker closed
        String route = Files.readString(Path.of("routes/chains/premium-first.yaml"))
                .replace("{{caravan.chains.premium-projects:}}", project);
        PluginHelper.getRoutesLoader(camel).updateRoutes(ResourceHelper.fromString("premium-first.yaml", route));
    }

    @Test
    void falls_back_to_openai_and_after_three_exhausted_calls_skips_anthropic_while_the_circuit_is_open()
            throws Exception {
        for (int i = 0; i < 3; i++) {
            SIMULATOR.reset();
            SIMULATOR.enqueue(Reply.error(503, "anthropic is down"), Reply.text("from gpt-5"));

            HttpResponse<String> response = chat();

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("from gpt-5");
            assertThat(response.headers().firstValue("x-caravan-attempts").orElseThrow())
                    .startsWith("anthropic;status=503").contains("openai;status=200");
        }
        SIMULATOR.reset();
        SIMULATOR.enqueue(Reply.text("straight from gpt-5"));

        HttpResponse<String> open = chat();

        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(json(open.body()).at("/choices/0/message/content").asText()).isEqualTo("straight from gpt-5");
        assertThat(open.headers().firstValue("x-caravan-attempts").orElseThrow()).doesNotContain("anthropic");
        assertThat(SIMULATOR.requests()).extracting(RecordedRequest::path).containsExactly("/v1/chat/completions");
        // the provider's own breaker saw three failures, under its minimum of five: Anthropic is still up for others
        assertThat(health.circuitState("anthropic").name()).isEqualTo("CLOSED");
    }

    @Test
    void a_client_error_goes_back_at_once_and_does_not_open_the_circuit() throws Exception {
        for (int i = 0; i < 4; i++) {
            SIMULATOR.reset();
            SIMULATOR.enqueue(Reply.error(400, "messages: bad image"), Reply.text("must not be reached"));

            HttpResponse<String> response = chat();

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(json(response.body()).at("/error/message").asText()).isEqualTo("anthropic: messages: bad image");
            assertThat(SIMULATOR.requests()).extracting(RecordedRequest::path).containsExactly("/v1/messages");
        }
    }

    private HttpResponse<String> chat() throws IOException, InterruptedException {
        return http.send(post("/v1/chat/completions", simpleRequest("chain/premium-first", false))
                .setHeader("Authorization", "Bearer " + premiumKey).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String path, String json) throws IOException, InterruptedException {
        return admin(ADMIN_KEY, "POST", path, json);
    }
}
