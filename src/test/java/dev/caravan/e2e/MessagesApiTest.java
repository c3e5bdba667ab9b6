package dev.caravan.e2e;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.RecordedRequest;
import dev.caravan.simulator.Reply;
import dev.caravan.simulator.ToolCallSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code POST /v1/messages} with the official Anthropic Java SDK as the client, over a real socket: a tool round trip
 * (the model calls a tool, the client sends its result, the model answers) to each provider format, streamed and
 * not; errors as the SDK's own exception types; Claude Code's bare model ids.
 */
class MessagesApiTest extends GatewayTestBase {

    private static final String SYSTEM = "You are terse.";
    private static final String TOOL_RESULT = "{\"celsius\":21}";

    /** Each provider format, what the simulator records from it, and how its body carries the system and tool result. */
    enum Target {
        ANTHROPIC("anthropic/claude-sonnet-4.6", "/v1/messages", "/v1/messages", body -> {
            assertThat(body.path("system").toString()).contains(SYSTEM);
            JsonNode result = body.path("messages").get(2).at("/content/0");
            assertThat(result.path("type").asText()).isEqualTo("tool_result");
            assertThat(result.toString()).contains("celsius");
        }),
        OPENAI("openai/gpt-5-mini", "/v1/chat/completions", "/v1/chat/completions", body -> {
            JsonNode messages = body.path("messages");
            assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
            assertThat(messages.get(0).toString()).contains(SYSTEM);
            JsonNode result = messages.get(messages.size() - 1);
            assertThat(result.path("role").asText()).isEqualTo("tool");
            assertThat(result.path("tool_call_id").asText()).isNotBlank();
            assertThat(result.toString()).contains("celsius");
        }),
        GEMINI("google/gemini-2.5-flash", "/v1beta/models/gemini-2.5-flash:generateContent",
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent", body -> {
            assertThat(body.at("/systemInstruction/parts/0/text").asText()).isEqualTo(SYSTEM);
            JsonNode contents = body.path("contents");
            JsonNode result = contents.get(contents.size() - 1).at("/parts/0/functionResponse");
            assertThat(result.path("name").asText()).isEqualTo("get_weather");
            assertThat(result.at("/response/celsius").asInt()).isEqualTo(21);
        });

        final String model;
        final String path;
        final String streamPath;
        final Consumer<JsonNode> carriesSystemAndToolResult;

        Target(String model, String path, String streamPath, Consumer<JsonNode> carriesSystemAndToolResult) {
            this.model = model;
            this.path = path;
            this.streamPath = streamPath;
            this.carriesSystemAndToolResult = carriesSystemAndToolResult;
        }
    }

    private AnthropicClient client;

    @BeforeEach
    void sdk() {
        client = sdk(GATEWAY_KEY);
    }

    @AfterEach
    void closeSdk() {
        client.close();
    }

    private AnthropicClient sdk(String key) {
        // no retries: a test that fails must fail on the first answer, not after the SDK's back-off
        return AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port).apiKey(key).maxRetries(0).build();
    }

    private static MessageCreateParams.Builder question(String model) {
        return MessageCreateParams.builder()
                .model(model)
                .maxTokens(300)
                .system(SYSTEM)
                .addTool(Tool.builder().name("get_weather").description("Weather in a city")
                        .inputSchema(Tool.InputSchema.builder()
                                .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .addRequired("city").build())
                        .build())
                .addUserMessage("What is the weather in Paris?");
    }

    /** The question, the model's tool call and the client's result for it: the second request of the round trip. */
    private static MessageCreateParams withToolResult(MessageCreateParams.Builder question, Message toolCall) {
        ToolUseBlock use = toolCall.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow()
                .asToolUse();
        return question.addMessage(toolCall.toParam())
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(use.id()).content(TOOL_RESULT).build())))
                .build();
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void answers_a_tool_round_trip_to_every_provider_format(Target target) {
        SIMULATOR.enqueue(Reply.toolCalls(ToolCallSpec.of("get_weather", "{\"city\":\"Paris\"}")).usage(40, 10),
                Reply.text("21 degrees in Paris.").usage(60, 8));

        Message toolCall = client.messages().create(question(target.model).build());

        assertThat(toolCall.stopReason()).hasValue(StopReason.TOOL_USE);
        ToolUseBlock use = toolCall.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow()
                .asToolUse();
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().toString()).contains("Paris");
        assertThat(toolCall.usage().outputTokens()).isEqualTo(10);

        Message answer = client.messages().create(withToolResult(question(target.model), toolCall));

        assertThat(answer.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(answer.content().getFirst().asText().text()).isEqualTo("21 degrees in Paris.");
        assertThat(answer.usage().inputTokens()).isPositive();
        assertThat(answer.usage().outputTokens()).isEqualTo(8);
        RecordedRequest upstream = SIMULATOR.lastRequest();
        assertThat(upstream.path()).isEqualTo(target.path);
        target.carriesSystemAndToolResult.accept(json(upstream.body()));
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void streams_a_tool_round_trip_from_every_provider_format(Target target) {
        SIMULATOR.enqueue(Reply.toolCalls(ToolCallSpec.of("get_weather", "{\"city\":\"Paris\"}")).usage(40, 10),
                Reply.text("21 degrees in Paris.").chunks(3).usage(60, 8));

        Message toolCall = streamed(question(target.model).build());

        assertThat(toolCall.stopReason()).hasValue(StopReason.TOOL_USE);
        ToolUseBlock use = toolCall.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow()
                .asToolUse();
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().toString()).contains("Paris");

        Message answer = streamed(withToolResult(question(target.model), toolCall));

        assertThat(answer.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(answer.content().getFirst().asText().text()).isEqualTo("21 degrees in Paris.");
        // message_start reports 0 input tokens; the counts arrive in message_delta, after the finish reason
        assertThat(answer.usage().inputTokens()).isPositive();
        assertThat(answer.usage().outputTokens()).isEqualTo(8);
        RecordedRequest upstream = SIMULATOR.lastRequest();
        assertThat(upstream.path()).isEqualTo(target.streamPath);
        target.carriesSystemAndToolResult.accept(json(upstream.body()));
    }

    private Message streamed(MessageCreateParams params) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        return accumulator.message();
    }

    @Test
    void serves_claude_codes_bare_model_id_as_the_catalog_model() throws Exception {
        SIMULATOR.enqueue(Reply.text("hello"));

        HttpResponse<String> response = http.send(post("/v1/messages", """
                {"model":"claude-sonnet-4-6","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""")
                .header("anthropic-version", "2023-06-01").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue("anthropic/claude-sonnet-4.6");
        assertThat(json(response.body()).path("type").asText()).isEqualTo("message");
        assertThat(json(SIMULATOR.lastRequest().body()).path("model").asText()).isEqualTo("claude-sonnet-4-6");
    }

    @Test
    void serves_a_tier_as_on_chat_completions() throws Exception {
        SIMULATOR.enqueue(Reply.text("draft"));

        HttpResponse<String> response = http.send(post("/v1/messages", """
                {"model":"tier/draft","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/content/0/text").asText()).isEqualTo("draft");
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue("anthropic/claude-haiku-4.5");
    }

    @Test
    void serves_a_dated_claude_id_through_the_sdk() {
        SIMULATOR.enqueue(Reply.text("hello"));

        Message answer = client.messages().create(MessageCreateParams.builder().model("claude-sonnet-4-6-20260101")
                .maxTokens(50).addUserMessage("hi").build());

        assertThat(answer.content().getFirst().asText().text()).isEqualTo("hello");
        assertThat(SIMULATOR.lastRequest().path()).isEqualTo("/v1/messages");
    }

    @Test
    void refuses_a_bad_gateway_key_as_an_anthropic_authentication_error() {
        AnthropicClient stranger = sdk("cvn-not-a-key");
        try {
            assertThatThrownBy(() -> stranger.messages().create(question("claude-sonnet-4-6").build()))
                    .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(401);
                        assertThat(e.body().toString()).contains("authentication_error");
                    });
        } finally {
            stranger.close();
        }
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    @Test
    void refuses_an_unknown_model_as_an_anthropic_not_found_error() {
        assertThatThrownBy(() -> client.messages().create(question("claude-nonesuch-9").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.body().toString()).contains("not_found_error").contains("claude-nonesuch-9");
                });
    }

    @Test
    void counts_a_requests_input_tokens_as_an_estimate_for_a_target_that_cannot_count() throws Exception {
        // an Anthropic target counts exactly (MessagesCountTokensTest); the others get the gateway's estimate
        long shortCount = client.messages().countTokens(MessageCountTokensParams.builder().model("openai/gpt-5-mini")
                .addUserMessage("hi").build()).inputTokens();
        long longCount = client.messages().countTokens(MessageCountTokensParams.builder().model("openai/gpt-5-mini")
                .system("You are a careful reviewer of pull requests.")
                .addUserMessage("Summarise the change in three sentences, then list its risks.").build())
                .inputTokens();
        HttpResponse<String> raw = http.send(post("/v1/messages/count_tokens", """
                {"model":"openai/gpt-5-mini","messages":[{"role":"user","content":"hi"}]}""").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(shortCount).isPositive();
        assertThat(longCount).isGreaterThan(shortCount + 10);
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().firstValue("x-caravan-token-count")).hasValue("estimate");
        assertThat(json(raw.body()).path("input_tokens").asLong()).isEqualTo(shortCount);
        assertThat(SIMULATOR.requests()).as("counting generates nothing").isEmpty();
        assertThatThrownBy(() -> client.messages().countTokens(MessageCountTokensParams.builder()
                .model("claude-nonesuch-9").addUserMessage("hi").build()))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void refuses_a_bad_body_as_an_anthropic_invalid_request_error() throws Exception {
        HttpResponse<String> response = http.send(post("/v1/messages", """
                {"model":"claude-sonnet-4-6","messages":[{"role":"user","content":"hi"}]}""").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = json(response.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.at("/error/message").asText()).contains("max_tokens");
        // and through the SDK, its own exception type for the same status
        assertThatThrownBy(() -> client.messages().create(MessageCreateParams.builder().model("claude-sonnet-4-6")
                .maxTokens(-1).addUserMessage("hi").build()))
                .isInstanceOfSatisfying(BadRequestException.class,
                        e -> assertThat(e.body().toString()).contains("invalid_request_error"));
    }

    @Test
    void answers_a_provider_overload_as_anthropics_529() throws Exception {
        SIMULATOR.enqueue(Reply.error(529, "Overloaded"), Reply.error(529, "Overloaded"),
                Reply.error(529, "Overloaded"));

        HttpResponse<String> response = http.send(post("/v1/messages", """
                {"model":"claude-sonnet-4-6","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(json(response.body()).path("type").asText()).isEqualTo("error");
        assertThat(response.statusCode()).isEqualTo(529);
        assertThat(json(response.body()).at("/error/type").asText()).isEqualTo("overloaded_error");
    }

    @Test
    void sends_an_openai_target_no_anthropic_only_fields_and_warns_instead() throws Exception {
        SIMULATOR.enqueue(Reply.text("ok"));

        HttpResponse<String> response = http.send(post("/v1/messages", """
                {"model":"openai/gpt-5-mini","max_tokens":50,"top_k":5,
                 "thinking":{"type":"enabled","budget_tokens":2048},
                 "system":[{"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":[{"type":"text","text":"hi",
                   "cache_control":{"type":"ephemeral"}}]}]}""").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        String upstream = SIMULATOR.lastRequest().body();
        assertThat(upstream).doesNotContain("top_k").doesNotContain("\"thinking\"").doesNotContain("cache_control")
                .contains("\"reasoning_effort\":\"medium\"");
        assertThat(json(response.body()).path("warnings").findValuesAsText("param"))
                .contains("top_k", "thinking");
    }

    @Test
    void ends_a_stream_that_fails_after_it_began_with_an_anthropic_error_event() throws Exception {
        SIMULATOR.enqueue(Reply.text("one two three four five").chunks(5).cutAfterChunks(3));

        HttpResponse<String> response = http.send(post("/v1/messages", """
                {"model":"openai/gpt-5-mini","max_tokens":50,"stream":true,
                 "messages":[{"role":"user","content":"count"}]}""").build(), HttpResponse.BodyHandlers.ofString());

        // the status was sent with the first event: the failure travels in the stream, and nothing follows it
        assertThat(response.statusCode()).isEqualTo(200);
        String body = response.body();
        assertThat(body).startsWith("event: message_start").contains("event: content_block_delta")
                .doesNotContain("message_stop");
        String last = body.strip().substring(body.strip().lastIndexOf("event: "));
        assertThat(last).startsWith("event: error\ndata: ");
        JsonNode error = json(last.substring(last.indexOf("data: ") + 6));
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.at("/error/type").asText()).isNotBlank();
    }

    @Test
    void carries_cache_breakpoints_and_a_tool_error_to_an_anthropic_target() throws Exception {
        SIMULATOR.enqueue(Reply.text("sorry"));

        HttpResponse<String> response = http.send(post("/v1/messages", """
                {"model":"claude-sonnet-4-6","max_tokens":50,
                 "system":[{"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":"weather?"},
                  {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather",
                    "input":{"city":"Paris"}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"down",
                    "is_error":true}]}],
                 "tools":[{"name":"get_weather","input_schema":{"type":"object"}}]}""").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode upstream = json(SIMULATOR.lastRequest().body());
        assertThat(upstream.at("/system/0/cache_control/type").asText()).isEqualTo("ephemeral");
        JsonNode result = upstream.path("messages").get(2).at("/content/0");
        assertThat(result.path("tool_use_id").asText()).isEqualTo("toolu_1");
        assertThat(result.path("is_error").asBoolean()).isTrue();
    }
}
