package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code caravan.chains.shadow.count-against-budget=true}: the shadow copy (routes/chains/shadow.yaml) is admitted and
 * charged like the caller's own requests, so the caller's budget carries the primary's cost and the copy's, each once.
 */
@DirtiesContext
class ShadowCountedAgainstBudgetTest extends GatewayTestBase {

    private static final String ADMIN_KEY = "cvn-test-admin-key-shadow-counted-0123456789";

    @DynamicPropertySource
    static void countedShadow(DynamicPropertyRegistry registry) {
        registry.add("CARAVAN_ADMIN_KEY", () -> ADMIN_KEY);
        registry.add("caravan.chains.shadow.count-against-budget", () -> "true");
        registry.add("caravan.usage.batch-interval", () -> "100ms");
    }

    @Test
    void a_counted_shadow_copy_is_charged_to_the_callers_budget_beside_the_primary() throws Exception {
        JsonNode issued = json(admin("POST", "/v1/admin/keys", "{\"name\":\"counted\"}").body());
        String keyId = issued.path("id").asText();
        String key = issued.path("secret").asText();
        assertThat(admin("POST", "/v1/admin/budgets", """
                {"scope":"key","subject":"%s","limitUsd":10,"period":"monthly","mode":"hard"}"""
                .formatted(keyId)).statusCode()).isEqualTo(201);
        SIMULATOR.enqueue(Reply.text("Primary says hello").usage(1000, 200),
                Reply.text("Candidate says hello").usage(2000, 400));

        HttpResponse<String> response = http.send(post("/v1/chat/completions",
                simpleRequest("chain/shadow-eval", false)).setHeader("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("Primary says hello");
        // gpt-5-mini's $0.00065 and haiku's $0.004, in the ledger and in the recorded spend
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode credits = json(http.send(HttpRequest.newBuilder(uri("/v1/credits"))
                    .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString())
                    .body());
            assertThat(new BigDecimal(credits.at("/budget/spent").asText())).isEqualByComparingTo("0.00465");
            assertThat(new BigDecimal(credits.path("total_used").asText())).isEqualByComparingTo("0.00465");
        });
    }

    private HttpResponse<String> admin(String method, String path, String json)
            throws IOException, InterruptedException {
        return admin(ADMIN_KEY, method, path, json);
    }
}
