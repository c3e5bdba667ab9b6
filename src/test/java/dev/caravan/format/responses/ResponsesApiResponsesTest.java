package dev.caravan.format.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.ObjectMappers;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseOutputItem;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.FinishReason;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.Usage;
import dev.caravan.format.openai.ErrorBody;
import dev.caravan.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.List;

import static dev.caravan.format.responses.ResponsesApiReaderTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Canonical answers written as Response objects, and read back by the official OpenAI Java SDK's types.
 * <pre>
 * case                                           | covers
 * -----------------------------------------------+-------------------------------------------------------------
 * completion_reasoning_text_tools.json           | golden: reasoning item (reasoning_text), message output_text,
 *   + request_tool_round_trip.json               | two function_call items with call ids, usage with cached,
 *   = response_reasoning_text_tools.expected.json| cache-write, reasoning tokens and cost, echoed parameters,
 *                                                | reader + provider warnings, provider_metadata kept
 * finish reason table                            | stop / tool_calls → completed; length → incomplete
 *                                                | (max_output_tokens); content_filter → incomplete
 * refusal, no usage, no choices                  | refusal part; usage left out; empty output
 * SDK                                            | Response.validate() on each, output items typed
 * error body                                     | ErrorBody is the Responses API's error shape
 * </pre>
 */
class ResponsesApiResponsesTest {

    private static ChatCompletion completion(String fixture) throws IOException {
        return Json.read(fixture(fixture), ChatCompletion.class);
    }

    private static ChatCompletion completion(Message message, String finishReason, Usage usage) {
        return new ChatCompletion("gen_01JF40000000000000000000AB", ChatCompletion.OBJECT, 1_764_761_234L,
                "openai/gpt-5-mini", List.of(new ChatCompletion.Choice(0, message, finishReason, null)), usage, null,
                null, null);
    }

    private static ResponsesRequest simpleRequest() throws IOException {
        return ResponsesApiReaderTest.read("request_text.json");
    }

    private static Response sdkRead(byte[] json) throws IOException {
        return ObjectMappers.jsonMapper().readValue(json, Response.class).validate();
    }

    @Test
    void writes_reasoning_text_and_function_calls_as_the_golden_response() throws IOException {
        byte[] json = ResponsesApiResponses.toResponseJson(completion("completion_reasoning_text_tools.json"),
                ResponsesApiReaderTest.read("request_tool_round_trip.json"));

        JsonNode expected = Json.tree(fixture("response_reasoning_text_tools.expected.json"));
        assertThat(Json.tree(json)).isEqualTo(expected);
    }

    @Test
    void the_sdk_reads_the_golden_response_with_typed_items_and_usage() throws IOException {
        Response response = sdkRead(ResponsesApiResponses.toResponseJson(
                completion("completion_reasoning_text_tools.json"),
                ResponsesApiReaderTest.read("request_tool_round_trip.json")));

        assertThat(response.id()).isEqualTo("resp_01JF3ZQ8XK5T9M2V7R4B6N8C0D");
        assertThat(response.status()).hasValue(com.openai.models.responses.ResponseStatus.COMPLETED);
        List<ResponseOutputItem> output = response.output();
        assertThat(output).hasSize(4);
        assertThat(output.get(0).reasoning().orElseThrow().content().orElseThrow().getFirst().text())
                .isEqualTo("I need the weather and the local time.");
        assertThat(output.get(1).message().orElseThrow().content().getFirst().outputText().orElseThrow().text())
                .isEqualTo("Let me check both.");
        var call = output.get(2).functionCall().orElseThrow();
        assertThat(call.callId()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        var usage = response.usage().orElseThrow();
        assertThat(usage.inputTokens()).isEqualTo(1200);
        assertThat(usage.inputTokensDetails().cachedTokens()).isEqualTo(1024);
        assertThat(usage.outputTokens()).isEqualTo(85);
        assertThat(usage.outputTokensDetails().reasoningTokens()).isEqualTo(30);
        assertThat(usage.totalTokens()).isEqualTo(1285);
        assertThat(response.parallelToolCalls()).isFalse();
        assertThat(response.tools()).hasSize(2);
        assertThat(response.toolChoice().isFunction()).isTrue();
    }

    /** finish reason → status and incomplete_details.reason ("-" for none). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "stop, completed, -",
            "tool_calls, completed, -",
            "length, incomplete, max_output_tokens",
            "content_filter, incomplete, content_filter",
    })
    void maps_the_finish_reason_to_status_and_incomplete_details(String finishReason, String status, String reason)
            throws IOException {
        byte[] json = ResponsesApiResponses.toResponseJson(
                completion(Message.assistant("Bonjour", null, null), finishReason, Usage.of(9, 3, null, null, null)),
                simpleRequest());

        JsonNode tree = Json.tree(json);
        assertThat(tree.path("status").textValue()).isEqualTo(status);
        assertThat(tree.path("incomplete_details").path("reason").textValue())
                .isEqualTo("-".equals(reason) ? null : reason);
        assertThat(tree.path("output").get(0).path("status").textValue()).isEqualTo(status);
        Response response = sdkRead(json);
        assertThat(response.incompleteDetails().isPresent()).isEqualTo(!"-".equals(reason));
    }

    @Test
    void echoes_the_simple_request_and_zero_details_the_sdk_requires() throws IOException {
        byte[] json = ResponsesApiResponses.toResponseJson(
                completion(Message.assistant("Bonjour !", null, null), FinishReason.STOP,
                        Usage.of(9, 3, null, null, null)),
                simpleRequest());

        JsonNode tree = Json.tree(json);
        assertThat(tree.path("instructions").textValue()).isEqualTo("You are a terse assistant.");
        assertThat(tree.path("max_output_tokens").intValue()).isEqualTo(256);
        assertThat(tree.path("temperature").doubleValue()).isEqualTo(0.2);
        assertThat(tree.path("user").textValue()).isEqualTo("user-1234");
        assertThat(tree.path("metadata").path("run").textValue()).isEqualTo("7");
        assertThat(tree.path("store").booleanValue()).isFalse();
        assertThat(tree.path("parallel_tool_calls").booleanValue()).as("OpenAI's default").isTrue();
        assertThat(tree.path("tool_choice").textValue()).isEqualTo("auto");
        assertThat(tree.path("tools").isArray()).isTrue();
        assertThat(tree.path("text").path("format").path("type").textValue()).isEqualTo("text");
        assertThat(tree.path("usage").path("input_tokens_details").path("cached_tokens").intValue()).isZero();
        assertThat(tree.path("usage").path("output_tokens_details").path("reasoning_tokens").intValue()).isZero();
        assertThat(tree.has("output_text")).as("a convenience the SDKs compute").isFalse();
        assertThat(tree.has("warnings")).isFalse();
        sdkRead(json);
    }

    @Test
    void writes_a_refusal_part_and_leaves_out_unknown_usage() throws IOException {
        Message refusal = new Message("assistant", null, null, null, null, "I can't help with that.", null, null);
        byte[] json = ResponsesApiResponses.toResponseJson(completion(refusal, FinishReason.STOP, null),
                simpleRequest());

        JsonNode content = Json.tree(json).path("output").get(0).path("content");
        assertThat(content).hasSize(1);
        assertThat(content.get(0).path("type").textValue()).isEqualTo("refusal");
        assertThat(content.get(0).path("refusal").textValue()).isEqualTo("I can't help with that.");
        Response response = sdkRead(json);
        assertThat(response.usage()).isEmpty();
        assertThat(response.output().getFirst().message().orElseThrow().content().getFirst().isRefusal()).isTrue();
    }

    @Test
    void an_answer_without_choices_has_empty_output() throws IOException {
        ChatCompletion empty = new ChatCompletion("gen_X", ChatCompletion.OBJECT, 1L, "m", List.of(), null, null,
                null, null);

        Response response = sdkRead(ResponsesApiResponses.toResponseJson(empty, simpleRequest()));

        assertThat(response.output()).isEmpty();
        assertThat(response.id()).isEqualTo("resp_X");
    }

    @Test
    void a_call_without_a_provider_id_gets_its_item_id_as_call_id() throws IOException {
        Message call = Message.assistant(null, List.of(new dev.caravan.canonical.ToolCall(0, null, "function",
                new dev.caravan.canonical.ToolCall.FunctionCall("lookup", null))), null);

        JsonNode item = Json.tree(ResponsesApiResponses.toResponseJson(
                completion(call, FinishReason.TOOL_CALLS, null), simpleRequest())).path("output").get(0);

        assertThat(item.path("call_id").textValue()).isEqualTo(item.path("id").textValue()).startsWith("fc_");
        assertThat(item.path("arguments").textValue()).isEqualTo("{}");
    }

    /** The Responses API reports a failed request as Chat Completions does, so the route reuses ErrorBody. */
    @Test
    void error_bodies_are_the_openai_shape_the_sdk_reads() throws IOException {
        GatewayException refused = ResponsesErrors.previousResponseNotKept();
        byte[] json = Json.write(ErrorBody.of(refused));

        JsonNode error = Json.tree(json).path("error");
        assertThat(error.path("type").textValue()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").textValue()).isEqualTo("previous_response_id");
        assertThat(error.has("code")).isTrue();
        var sdkError = ObjectMappers.jsonMapper().readValue(error.toString(), com.openai.models.ErrorObject.class)
                .validate();
        assertThat(sdkError.message()).contains("previous_response_id");
    }
}
