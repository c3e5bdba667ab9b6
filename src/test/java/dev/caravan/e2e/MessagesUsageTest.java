package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.Reply;
import dev.caravan.usage.UsageRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;

import java.net.http.HttpResponse;

import static dev.caravan.e2e.UsageAccountingTest.RECORDS;
import static dev.caravan.e2e.UsageAccountingTest.onlyRecord;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Messages API request is accounted for as a Chat Completions one is: one usage record, priced from the catalog,
 * under the generation id the response names, whether it is answered or refused; the gateway's per-request options
 * ({@code providerOptions.gateway}) work in its body too. Shares UsageAccountingTest's capturing sink, and so its
 * Spring context.
 */
@Import(UsageAccountingTest.CapturingSink.class)
class MessagesUsageTest extends GatewayTestBase {

    @BeforeEach
    void clearRecords() {
        RECORDS.clear();
    }

    private HttpResponse<String> messages(String json) throws Exception {
        return http.send(post("/v1/messages", json).header("anthropic-version", "2023-06-01").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void records_an_answered_message_with_its_generation_id_tokens_and_cost() throws Exception {
        SIMULATOR.enqueue(Reply.text("Hello").usage(1000, 200));

        HttpResponse<String> response = messages("""
                {"model":"claude-sonnet-4-6","max_tokens":300,"messages":[{"role":"user","content":"Say hello"}],
                 "providerOptions":{"gateway":{"user":"alice","tags":["claude-code"]}}}""");

        assertThat(response.statusCode()).isEqualTo(200);
        UsageRecord record = onlyRecord();
        String id = response.headers().firstValue("x-caravan-generation-id").orElseThrow();
        assertThat(id).isEqualTo(record.id());
        // an Anthropic target's answer is passed through: its body keeps the provider's message id, and the
        // generation id travels in the header
        assertThat(json(response.body()).path("id").asText()).startsWith("msg_01").doesNotContain(id);
        // claude-sonnet-4.6 at 3 / 15 USD per million: 1000×3 + 200×15 = 6000 µUSD
        assertThat(record.costUsd()).isEqualByComparingTo("0.006");
        assertThat(response.headers().firstValue("x-caravan-cost")).hasValue("0.006");
        assertThat(record.requestedModel()).isEqualTo("anthropic/claude-sonnet-4.6");
        assertThat(record.inputTokens()).isEqualTo(1000);
        assertThat(record.outputTokens()).isEqualTo(200);
        assertThat(record.user()).isEqualTo("alice");
        assertThat(record.tags()).containsExactly("claude-code");
        // the gateway's options never reach the provider, nor come back as an unsupported field
        assertThat(SIMULATOR.lastRequest().body()).doesNotContain("providerOptions");
        assertThat(response.body()).doesNotContain("providerOptions");
    }

    @Test
    void records_a_streamed_message_once_it_ends() throws Exception {
        SIMULATOR.enqueue(Reply.text("Hello there").chunks(3).usage(1000, 200));

        HttpResponse<String> response = messages("""
                {"model":"anthropic/claude-sonnet-4.6","max_tokens":300,"stream":true,
                 "messages":[{"role":"user","content":"Say hello"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(response.body()).contains("event: message_stop");
        UsageRecord record = onlyRecord();
        assertThat(record.streamed()).isTrue();
        assertThat(record.costUsd()).isEqualByComparingTo("0.006");
        assertThat(response.headers().firstValue("x-caravan-generation-id")).hasValue(record.id());
    }

    @Test
    void refuses_a_request_over_its_max_cost_in_anthropic_shape_and_records_it() throws Exception {
        HttpResponse<String> response = messages("""
                {"model":"claude-sonnet-4-6","max_tokens":60000,"messages":[{"role":"user","content":"Think hard"}],
                 "providerOptions":{"gateway":{"maxCost":0.0001}}}""");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = json(response.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.at("/error/message").asText()).contains("maxCost");
        UsageRecord record = onlyRecord();
        assertThat(record.id()).isEqualTo(response.headers().firstValue("x-caravan-generation-id").orElseThrow());
        assertThat(record.httpStatus()).isEqualTo(400);
        assertThat(SIMULATOR.requests()).isEmpty();
    }
}
