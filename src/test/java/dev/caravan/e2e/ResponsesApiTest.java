package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseTextConfig;
import dev.caravan.simulator.RecordedRequest;
import dev.caravan.simulator.Reply;
import dev.caravan.simulator.ToolCallSpec;
import dev.caravan.usage.UsageRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.context.annotation.Import;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /v1/responses} with the official OpenAI Java SDK as the client over a real socket: a function-call
 * round trip, streamed and not, served by each provider format; what the provider was sent is checked in its own
 * wire format. The usage records come from {@link UsageAccountingTest}'s capturing sink (the same context).
 */
@Import(UsageAccountingTest.CapturingSink.class)
class ResponsesApiTest extends GatewayTestBase {

    private static final String INSTRUCTIONS = "Answer briefly.";
    private static final String QUESTION = "What is the weather in Paris?";

    private OpenAIClient client;

    @BeforeEach
    void client() {
        UsageAccountingTest.RECORDS.clear();
        client = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey(GATEWAY_KEY)
                .maxRetries(0)
                .build();
    }

    @AfterEach
    void close() {
        client.close();
    }

    private static FunctionTool weatherTool() {
        return FunctionTool.builder()
                .name("get_weather")
                .description("Current weather in a city")
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .strict(false)
                .build();
    }

    private static ResponseCreateParams firstTurn(String model) {
        return ResponseCreateParams.builder().model(model).instructions(INSTRUCTIONS).input(QUESTION)
                .addTool(weatherTool()).build();
    }

    /** The follow-up an agent sends: the question, the model's call as it came back, and the call's result. */
    private static ResponseCreateParams secondTurn(String model, ResponseFunctionToolCall call) {
        return ResponseCreateParams.builder().model(model).instructions(INSTRUCTIONS)
                .inputOfResponse(List.of(
                        ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                                .role(EasyInputMessage.Role.USER).content(QUESTION).build()),
                        ResponseInputItem.ofFunctionCall(call),
                        ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                                .callId(call.callId()).output("{\"celsius\":21}").build())))
                .addTool(weatherTool())
                .build();
    }

    private static ResponseFunctionToolCall onlyCall(Response response) {
        List<ResponseFunctionToolCall> calls = response.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall).toList();
        assertThat(calls).hasSize(1);
        return calls.getFirst();
    }

    private static String text(Response response) {
        StringBuilder text = new StringBuilder();
        response.output().stream().filter(ResponseOutputItem::isMessage)
                .flatMap(item -> item.asMessage().content().stream())
                .filter(content -> content.isOutputText())
                .forEach(content -> text.append(content.asOutputText().text()));
        return text.toString();
    }

    private static void assertUsage(Response response) {
        assertThat(response.usage()).hasValueSatisfying(usage -> {
            assertThat(usage.inputTokens()).isPositive();
            assertThat(usage.outputTokens()).isPositive();
            assertThat(usage.totalTokens()).isEqualTo(usage.inputTokens() + usage.outputTokens());
        });
    }

    private void roundTrip(String model, Function<ResponseCreateParams, Response> send) {
        SIMULATOR.enqueue(Reply.toolCalls(ToolCallSpec.of("get_weather", "{\"city\":\"Paris\"}")).usage(40, 12));
        Response first = send.apply(firstTurn(model));

        assertThat(first.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(first.model().asString()).isEqualTo(model);
        ResponseFunctionToolCall call = onlyCall(first);
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(call.callId()).isNotBlank();
        assertUsage(first);
        JsonNode asked = json(SIMULATOR.lastRequest().body());
        assertInstructionsAsSystem(model, asked);

        SIMULATOR.enqueue(Reply.text("It is 21 degrees in Paris.").chunks(3).usage(60, 9));
        Response second = send.apply(secondTurn(model, call));

        assertThat(second.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(text(second)).isEqualTo("It is 21 degrees in Paris.");
        assertUsage(second);
        RecordedRequest upstream = SIMULATOR.lastRequest();
        JsonNode body = json(upstream.body());
        assertInstructionsAsSystem(model, body);
        assertCallAndResult(model, body, call.callId());
    }

    /** {@code instructions} reach each provider as its system prompt. */
    private static void assertInstructionsAsSystem(String model, JsonNode body) {
        switch (provider(model)) {
            case "openai" -> {
                assertThat(body.at("/messages/0/role").asText()).isIn("system", "developer");
                assertThat(body.at("/messages/0/content").toString()).contains(INSTRUCTIONS);
            }
            case "anthropic" -> assertThat(body.path("system").toString()).contains(INSTRUCTIONS);
            case "google" -> assertThat(body.at("/systemInstruction/parts/0/text").asText()).isEqualTo(INSTRUCTIONS);
            default -> throw new AssertionError(model);
        }
    }

    /** The replayed function call and its output reach each provider in its own shape, linked by the call id. */
    private static void assertCallAndResult(String model, JsonNode body, String callId) {
        switch (provider(model)) {
            case "openai" -> {
                JsonNode messages = body.path("messages");
                assertThat(messages.findValuesAsText("role")).containsExactly("system", "user", "assistant", "tool");
                assertThat(messages.get(2).at("/tool_calls/0/id").asText()).isEqualTo(callId);
                assertThat(messages.get(2).at("/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
                assertThat(messages.get(3).path("tool_call_id").asText()).isEqualTo(callId);
                assertThat(messages.get(3).path("content").toString()).contains("celsius");
            }
            case "anthropic" -> {
                JsonNode messages = body.path("messages");
                assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "user");
                assertThat(messages.get(1).at("/content/0/type").asText()).isEqualTo("tool_use");
                assertThat(messages.get(1).at("/content/0/id").asText()).isEqualTo(callId);
                assertThat(messages.get(2).at("/content/0/type").asText()).isEqualTo("tool_result");
                assertThat(messages.get(2).at("/content/0/tool_use_id").asText()).isEqualTo(callId);
                assertThat(messages.get(2).at("/content/0/content").toString()).contains("celsius");
            }
            case "google" -> {
                JsonNode contents = body.path("contents");
                assertThat(contents.findValuesAsText("role")).containsExactly("user", "model", "user");
                assertThat(contents.get(1).at("/parts/0/functionCall/name").asText()).isEqualTo("get_weather");
                assertThat(contents.get(2).at("/parts/0/functionResponse/name").asText()).isEqualTo("get_weather");
                assertThat(contents.get(2).at("/parts/0/functionResponse/response/celsius").asInt()).isEqualTo(21);
            }
            default -> throw new AssertionError(model);
        }
    }

    private static String provider(String model) {
        return model.substring(0, model.indexOf('/'));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai/gpt-5-mini", "anthropic/claude-sonnet-4.6", "google/gemini-2.5-flash"})
    void answers_a_function_call_round_trip_from_every_provider_format(String model) {
        roundTrip(model, params -> client.responses().create(params));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai/gpt-5-mini", "anthropic/claude-sonnet-4.6", "google/gemini-2.5-flash"})
    void streams_a_function_call_round_trip_from_every_provider_format(String model) {
        roundTrip(model, params -> {
            ResponseAccumulator accumulator = ResponseAccumulator.create();
            try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
                List<ResponseStreamEvent> events = stream.stream().map(accumulator::accumulate).toList();
                assertThat(events.getFirst().isCreated()).isTrue();
                assertThat(events.getLast().isCompleted()).isTrue();
            }
            return accumulator.response();
        });
    }

    @Test
    void raises_a_provider_stream_cut_after_it_began_through_the_sdk() {
        SIMULATOR.enqueue(Reply.text("one two three four").chunks(4).cutAfterChunks(2));

        assertThatThrownBy(() -> {
            try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                    ResponseCreateParams.builder().model("anthropic/claude-sonnet-4.6").input("Count").build())) {
                stream.stream().forEach(event -> assertThat(event.isCompleted()).isFalse());
            }
        }).hasMessageContaining("anthropic");
        await().atMost(Duration.ofSeconds(5)).until(() -> !UsageAccountingTest.RECORDS.isEmpty());
        assertThat(UsageAccountingTest.RECORDS).singleElement()
                .satisfies(r -> assertThat(r.outcome()).isEqualTo(UsageRecord.Outcome.ERROR));
    }

    @Test
    void refuses_previous_response_id_with_a_400_naming_the_field() {
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder()
                .model("openai/gpt-5-mini").input("And in Tokyo?").previousResponseId("resp_earlier").build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("previous_response_id");
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    @Test
    void refuses_a_wrong_gateway_key_in_openais_error_shape() throws Exception {
        HttpResponse<String> response = http.send(post("/v1/responses",
                        "{\"model\":\"openai/gpt-5-mini\",\"input\":\"hi\"}")
                .setHeader("Authorization", "Bearer wrong-key-123456").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode error = json(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("authentication_error");
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("wrong-key-123456");
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    private UsageRecord onlyRecord() {
        await().atMost(Duration.ofSeconds(5)).until(() -> !UsageAccountingTest.RECORDS.isEmpty());
        assertThat(UsageAccountingTest.RECORDS).hasSize(1);
        return UsageAccountingTest.RECORDS.getFirst();
    }

    @Test
    void records_usage_and_cost_of_an_answer_under_its_generation_id() throws Exception {
        SIMULATOR.enqueue(Reply.text("Hello").usage(1000, 200));

        HttpResponse<String> response = http.send(post("/v1/responses",
                "{\"model\":\"openai/gpt-5\",\"input\":\"Say hello\"}").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        UsageRecord record = onlyRecord();
        String id = response.headers().firstValue("x-caravan-generation-id").orElseThrow();
        assertThat(id).isEqualTo(record.id());
        // the response id is the generation id's own characters, so it finds its usage record
        assertThat(json(response.body()).path("id").asText()).isEqualTo("resp_" + id.substring("gen_".length()));
        // (1000 x 1.25 + 200 x 10) / 1e6, openai/gpt-5's catalog prices
        assertThat(record.costUsd()).isEqualByComparingTo("0.00325");
        assertThat(response.headers().firstValue("x-caravan-cost")).hasValue("0.00325");
        assertThat(json(response.body()).at("/usage/cost").decimalValue()).isEqualByComparingTo("0.00325");
        assertThat(record.inputTokens()).isEqualTo(1000L);
        assertThat(record.outputTokens()).isEqualTo(200L);
        assertThat(record.outcome()).isEqualTo(UsageRecord.Outcome.SUCCESS);
    }

    @Test
    void records_usage_and_cost_of_a_stream_and_prices_its_completed_event() throws Exception {
        SIMULATOR.enqueue(Reply.text("one two").chunks(2).usage(1000, 200));

        HttpResponse<String> response = http.send(post("/v1/responses",
                        "{\"model\":\"openai/gpt-5\",\"input\":\"Count\",\"stream\":true}").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        UsageRecord record = onlyRecord();
        assertThat(record.costUsd()).isEqualByComparingTo("0.00325");
        assertThat(record.outcome()).isEqualTo(UsageRecord.Outcome.SUCCESS);
        String completed = response.body().lines().filter(line -> line.startsWith("data: ")
                && line.contains("\"response.completed\"")).findFirst().orElseThrow();
        JsonNode usage = json(completed.substring("data: ".length())).at("/response/usage");
        assertThat(usage.path("input_tokens").asInt()).isEqualTo(1000);
        assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo("0.00325");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void reports_a_parameter_with_no_equivalent_once_in_the_responses_warnings(boolean stream) throws Exception {
        SIMULATOR.enqueue(Reply.text("ok"));

        HttpResponse<String> response = http.send(post("/v1/responses", ("{\"model\":\"anthropic/claude-sonnet-4.6\","
                        + "\"input\":\"hi\",\"truncation\":\"auto\",\"stream\":" + stream + "}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = stream ? json(response.body().lines()
                .filter(line -> line.startsWith("data: ") && line.contains("\"response.completed\""))
                .findFirst().orElseThrow().substring("data: ".length())).path("response") : json(response.body());
        // the reader's warnings are both the request's and the call's: the Response writes each once
        assertThat(answer.path("warnings").findValuesAsText("param")).containsOnlyOnce("truncation")
                .doesNotHaveDuplicates();
    }

    @Test
    void asks_anthropic_and_gemini_for_a_json_schema_in_their_own_structured_output_form() {
        ResponseCreateParams.Builder params = ResponseCreateParams.builder().input("Capital of France as JSON")
                .text(ResponseTextConfig.builder().format(ResponseFormatTextJsonSchemaConfig.builder()
                        .name("capital")
                        .schema(ResponseFormatTextJsonSchemaConfig.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties",
                                        JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                                .build())
                        .strict(true)
                        .build()).build());

        // Anthropic is asked to call a tool named after the schema; the gateway reads its input back as the text
        SIMULATOR.enqueue(Reply.toolCalls(ToolCallSpec.of("caravan_output_capital", "{\"city\":\"Paris\"}")));
        Response anthropic = client.responses().create(params.model("anthropic/claude-sonnet-4.6").build());
        JsonNode anthropicBody = json(SIMULATOR.lastRequest().body());
        SIMULATOR.enqueue(Reply.text("{\"city\":\"Paris\"}"));
        Response gemini = client.responses().create(params.model("google/gemini-2.5-flash").build());
        JsonNode geminiBody = json(SIMULATOR.lastRequest().body());

        assertThat(text(anthropic)).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(anthropic.output()).noneMatch(ResponseOutputItem::isFunctionCall);
        assertThat(text(gemini)).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(anthropicBody.at("/tool_choice/name").asText()).isEqualTo("caravan_output_capital");
        assertThat(anthropicBody.path("tools").findValuesAsText("name")).contains("caravan_output_capital");
        assertThat(anthropicBody.path("tools").toString()).contains("\"city\"");
        assertThat(geminiBody.at("/generationConfig/responseMimeType").asText()).isEqualTo("application/json");
        assertThat(geminiBody.at("/generationConfig").toString()).contains("\"city\"");
    }
}
