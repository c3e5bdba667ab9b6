package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.RecordedRequest;
import dev.caravan.simulator.Reply;
import dev.caravan.usage.UsageRecord;
import dev.caravan.usage.UsageSink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every chat request leaves exactly one usage record, whatever happens to it, with figures checked by hand against
 * the catalog's prices (openai/gpt-5: $1.25 input, $0.125 cached input, $10 output per million tokens); and the
 * per-request options that act on spend: {@code maxCost} and BYOK.
 */
@ExtendWith(OutputCaptureExtension.class)
@Import(UsageAccountingTest.CapturingSink.class)
class UsageAccountingTest extends GatewayTestBase {

    static final List<UsageRecord> RECORDS = new CopyOnWriteArrayList<>();

    @TestConfiguration
    static class CapturingSink {
        @Bean
        @Primary
        UsageSink capturingUsageSink() {
            return RECORDS::add;
        }
    }

    @BeforeEach
    void clearRecords() {
        RECORDS.clear();
    }

    /** The one record the request under test left (shared with MessagesUsageTest, which uses the same sink). */
    static UsageRecord onlyRecord() {
        await().atMost(Duration.ofSeconds(5)).until(() -> !RECORDS.isEmpty());
        assertThat(RECORDS).hasSize(1);
        return RECORDS.getFirst();
    }

    @Test
    void routing_explain_is_no_generation_and_leaves_no_usage_record_answered_or_refused() throws Exception {
        HttpResponse<String> explained = http.send(post("/v1/routing/explain", simpleRequest("openai/gpt-5", false))
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> refused = http.send(post("/v1/routing/explain", "{\"model\":\"openai/gpt-5\"}")
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(explained.statusCode()).isEqualTo(200);
        assertThat(refused.statusCode()).isEqualTo(400);
        // a refused request's record is written before its error is: none may have been
        assertThat(RECORDS).isEmpty();
        assertThat(refused.headers().firstValue("x-caravan-generation-id")).isEmpty();
    }

    @Test
    void records_a_served_request_with_its_generation_id_tokens_and_cost() throws Exception {
        SIMULATOR.enqueue(Reply.text("Hello").usage(1000, 200).cachedTokens(400).reasoningTokens(50));

        HttpResponse<String> response = chat("""
                {"model":"openai/gpt-5","messages":[{"role":"user","content":"Say hello"}],
                 "providerOptions":{"gateway":{"user":"alice","tags":["support","beta"]}}}""");

        assertThat(response.statusCode()).isEqualTo(200);
        UsageRecord record = onlyRecord();
        String id = response.headers().firstValue("x-caravan-generation-id").orElseThrow();
        assertThat(id).matches("gen_[0-9A-Z]{26}").isEqualTo(record.id());
        assertThat(json(response.body()).path("id").asText()).isEqualTo(id);
        // (600 x 1.25 + 400 x 0.125 + 200 x 10) / 1e6: reasoning tokens are output, cached reads at their own rate
        assertThat(record.costUsd()).isEqualByComparingTo("0.0028");
        assertThat(response.headers().firstValue("x-caravan-cost")).hasValue("0.0028");
        assertThat(record.keyId()).isEqualTo("env");
        assertThat(record.user()).isEqualTo("alice");
        assertThat(record.tags()).containsExactly("support", "beta");
        assertThat(record.requestedModel()).isEqualTo("openai/gpt-5");
        assertThat(record.servedModel()).isEqualTo("openai/gpt-5");
        assertThat(record.provider()).isEqualTo("openai");
        assertThat(record.providerModel()).isEqualTo("gpt-5");
        assertThat(record.inputTokens()).isEqualTo(1000L);
        assertThat(record.outputTokens()).isEqualTo(200L);
        assertThat(record.cachedReadTokens()).isEqualTo(400L);
        assertThat(record.reasoningTokens()).isEqualTo(50L);
        assertThat(record.tokensEstimated()).isFalse();
        assertThat(record.outcome()).isEqualTo(UsageRecord.Outcome.SUCCESS);
        assertThat(record.httpStatus()).isEqualTo(200);
        assertThat(record.streamed()).isFalse();
        assertThat(record.byok()).isFalse();
        assertThat(record.finishReason()).isEqualTo("stop");
        assertThat(record.attempts()).singleElement().satisfies(a -> assertThat(a.success()).isTrue());
        assertThat(record.latencyMs()).isNotNull().isGreaterThanOrEqualTo(0L);
    }

    @Test
    void records_a_stream_with_the_providers_usage_even_when_the_client_did_not_ask_for_it() throws Exception {
        SIMULATOR.enqueue(Reply.text("Hello there, friend").chunks(4).usage(1000, 200));

        HttpResponse<String> response = chat(simpleRequest("openai/gpt-5", true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("\"usage\"");
        UsageRecord record = onlyRecord();
        assertThat(response.body()).contains("\"id\":\"" + record.id() + "\"");
        assertThat(record.streamed()).isTrue();
        assertThat(record.tokensEstimated()).isFalse();
        assertThat(record.inputTokens()).isEqualTo(1000L);
        // (1000 x 1.25 + 200 x 10) / 1e6
        assertThat(record.costUsd()).isEqualByComparingTo("0.00325");
        assertThat(record.ttftMs()).isNotNull().isLessThanOrEqualTo(record.latencyMs());
        assertThat(record.outcome()).isEqualTo(UsageRecord.Outcome.SUCCESS);
    }

    @Test
    void records_a_request_no_provider_could_serve_with_its_attempts_and_no_cost() throws Exception {
        SIMULATOR.enqueue(Reply.error(500, "boom"));

        HttpResponse<String> response = chat(simpleRequest("openai/gpt-5", false));

        assertThat(response.statusCode()).isGreaterThanOrEqualTo(500);
        UsageRecord record = onlyRecord();
        assertThat(response.headers().firstValue("x-caravan-generation-id")).hasValue(record.id());
        assertThat(record.outcome()).isEqualTo(UsageRecord.Outcome.ERROR);
        assertThat(record.httpStatus()).isEqualTo(response.statusCode());
        assertThat(record.errorCode()).isEqualTo(json(response.body()).path("error").path("code").asText());
        assertThat(record.attempts()).singleElement().satisfies(a -> assertThat(a.statusCode()).isEqualTo(500));
        assertThat(record.inputTokens()).isNull();
        assertThat(record.costUsd()).isNull();
    }

    @Test
    void records_a_request_refused_before_routing() throws Exception {
        HttpResponse<String> response = chat("{\"model\": ");

        assertThat(response.statusCode()).isEqualTo(400);
        UsageRecord record = onlyRecord();
        assertThat(record.outcome()).isEqualTo(UsageRecord.Outcome.ERROR);
        assertThat(record.httpStatus()).isEqualTo(400);
        assertThat(record.requestedModel()).isNull();
        assertThat(record.attempts()).isEmpty();
    }

    @Test
    void max_cost_counts_the_thinking_budget_anthropic_is_sent_not_the_max_tokens_the_client_asked() throws Exception {
        // the probe answered this at $0.015: max_tokens 1 is sent as 16,385 (thinking budget 16,384 + 1), up to
        // 16,385 x $5/M = $0.082 of output on Haiku 4.5
        HttpResponse<String> response = chat("""
                {"model":"anthropic/claude-haiku-4.5","max_tokens":1,"reasoning_effort":"high",
                 "messages":[{"role":"user","content":"Think hard"}],"providerOptions":{"gateway":{"maxCost":0.0001}}}""");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("max_cost_exceeded");
        assertThat(error.path("message").asText()).contains("up to 16385 output tokens");
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    @Test
    void refuses_a_request_whose_worst_case_is_above_its_max_cost_before_any_provider_is_called() throws Exception {
        // up to 1,000 output tokens at $10/M is already $0.01
        HttpResponse<String> response = chat("""
                {"model":"openai/gpt-5","max_tokens":1000,"messages":[{"role":"user","content":"Say hello"}],
                 "providerOptions":{"gateway":{"maxCost":0.005}}}""");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("max_cost_exceeded");
        assertThat(error.path("param").asText()).isEqualTo("maxCost");
        assertThat(error.path("message").asText()).contains("openai/gpt-5").contains("$0.005");
        assertThat(SIMULATOR.requests()).isEmpty();

        SIMULATOR.enqueue(Reply.text("fine"));
        HttpResponse<String> within = chat("""
                {"model":"openai/gpt-5","max_tokens":1000,"messages":[{"role":"user","content":"Say hello"}],
                 "providerOptions":{"gateway":{"maxCost":"0.02"}}}""");
        assertThat(within.statusCode()).isEqualTo(200);
    }

    @Test
    void skips_fallbacks_whose_worst_case_is_above_max_cost() throws Exception {
        SIMULATOR.enqueue(Reply.error(503, "overloaded"));

        // gpt-5-mini: 1,000 output tokens at $2/M fit $0.005; the gpt-5 fallback ($10/M) does not
        HttpResponse<String> response = chat("""
                {"model":"openai/gpt-5-mini","max_tokens":1000,"messages":[{"role":"user","content":"Say hello"}],
                 "providerOptions":{"gateway":{"maxCost":0.005,"models":["openai/gpt-5"]}}}""");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(SIMULATOR.requests()).hasSize(1);
        assertThat(response.headers().firstValue("x-caravan-attempts").orElseThrow())
                .contains("skipped:_worst_case_above_maxCost");
    }

    @Test
    void uses_a_byok_credential_for_that_request_only_and_never_echoes_or_logs_it(CapturedOutput output)
            throws Exception {
        String byokKey = "sk-byok-test-callers-own-key-0123456789";
        // the 401's text is replaced anyway; a 400's is passed on, so the key it quotes must be taken out
        SIMULATOR.enqueue(Reply.error(401, "Incorrect API key provided: " + byokKey),
                Reply.error(400, "Invalid 'model' for the key " + byokKey), Reply.text("fine"));
        String request = """
                {"model":"openai/gpt-5","messages":[{"role":"user","content":"Say hello"}],
                 "providerOptions":{"gateway":{"byok":{"openai":[{"apiKey":"%s"}]}}}}""".formatted(byokKey);

        HttpResponse<String> rejected = chat(request);
        HttpResponse<String> invalid = chat(request);
        HttpResponse<String> served = chat(request);

        assertThat(served.statusCode()).isEqualTo(200);
        List<RecordedRequest> upstream = SIMULATOR.requests();
        assertThat(upstream).hasSize(3).allSatisfy(r ->
                assertThat(r.header("authorization")).isEqualTo("Bearer " + byokKey));
        await().atMost(Duration.ofSeconds(5)).until(() -> RECORDS.size() == 3);
        assertThat(RECORDS.get(2).byok()).isTrue();
        assertThat(RECORDS.get(2).costUsd()).isNotNull();
        assertThat(rejected.body()).doesNotContain(byokKey);
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid.body()).path("error").path("message").asText())
                .isEqualTo("openai: Invalid 'model' for the key [credential]");
        assertThat(served.body()).doesNotContain(byokKey);
        assertThat(RECORDS.toString()).doesNotContain(byokKey);
        assertThat(output.getAll()).doesNotContain(byokKey);

        SIMULATOR.enqueue(Reply.text("fine"));
        chat(simpleRequest("openai/gpt-5", false));
        assertThat(SIMULATOR.lastRequest().header("authorization")).isEqualTo("Bearer " + OPENAI_KEY);
    }

    @Test
    void a_byok_account_that_is_refused_or_rate_limited_does_not_take_the_provider_out_for_other_callers()
            throws Exception {
        String byokKey = "sk-byok-test-limited-account-0123456789";
        String byokRequest = """
                {"model":"openai/gpt-5","messages":[{"role":"user","content":"Say hello"}],
                 "providerOptions":{"gateway":{"byok":{"openai":[{"apiKey":"%s"}]}}}}""".formatted(byokKey);
        SIMULATOR.enqueue(Reply.error(429, "Rate limit reached for your organization").retryAfter(600),
                Reply.error(401, "Incorrect API key provided"));

        HttpResponse<String> limited = chat(byokRequest);
        HttpResponse<String> refused = chat(byokRequest);

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(json(refused.body()).path("error").path("message").asText()).contains("BYOK credential");
        // the gateway's own account is fine: its callers must still reach the provider at once
        SIMULATOR.enqueue(Reply.text("fine"));
        HttpResponse<String> other = chat(simpleRequest("openai/gpt-5", false));
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(SIMULATOR.lastRequest().header("authorization")).isEqualTo("Bearer " + OPENAI_KEY);
    }

    @Test
    void counts_the_output_of_an_answer_that_came_without_usage_and_says_it_is_estimated() throws Exception {
        SIMULATOR.enqueue(Reply.text("one two three four five").withoutUsage());

        HttpResponse<String> response = chat(simpleRequest("openai/gpt-5", false));

        assertThat(response.statusCode()).isEqualTo(200);
        UsageRecord record = onlyRecord();
        assertThat(record.tokensEstimated()).isTrue();
        assertThat(record.outputTokens()).isEqualTo(5L);
        assertThat(record.costUsd()).isPositive();
    }

    @Test
    void rejects_a_malformed_max_cost_or_byok_option() throws Exception {
        HttpResponse<String> cost = chat("""
                {"model":"openai/gpt-5","messages":[{"role":"user","content":"hi"}],
                 "providerOptions":{"gateway":{"maxCost":-1}}}""");
        HttpResponse<String> byok = chat("""
                {"model":"openai/gpt-5","messages":[{"role":"user","content":"hi"}],
                 "providerOptions":{"gateway":{"byok":{"openai":"sk-plain-string"}}}}""");

        assertThat(cost.statusCode()).isEqualTo(400);
        assertThat(json(cost.body()).path("error").path("param").asText()).isEqualTo("maxCost");
        assertThat(byok.statusCode()).isEqualTo(400);
        assertThat(json(byok.body()).path("error").path("param").asText()).isEqualTo("byok");
        assertThat(byok.body()).doesNotContain("sk-plain-string");
    }
}
