package dev.caravan.format.responses;

import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.models.Reasoning;
import com.openai.models.ReasoningEffort;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseTextConfig;
import com.openai.models.responses.ToolChoiceOptions;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ResponseFormat;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.ToolChoice;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.caravan.format.responses.ResponsesApiReaderTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tool round trip the way an agent built on the OpenAI Java SDK makes it: the SDK reads Caravan's Response, the
 * agent replays its output items with the function results as the next request's input, and the SDK writes that
 * request. Caravan must read what the SDK writes, folding the replayed items back into one assistant turn.
 */
class ResponsesSdkRoundTripTest {

    private static Response firstAnswer() throws IOException {
        byte[] json = ResponsesApiResponses.toResponseJson(
                Json.read(fixture("completion_reasoning_text_tools.json"), ChatCompletion.class),
                ResponsesApiReaderTest.read("request_tool_round_trip.json"));
        return ObjectMappers.jsonMapper().readValue(json, Response.class).validate();
    }

    /** Each output item as the input item the SDK offers for it, then one result per call. */
    private static List<ResponseInputItem> replay(Response answer) {
        List<ResponseInputItem> input = new ArrayList<>();
        input.add(ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                .role(EasyInputMessage.Role.USER).content("What is the weather in Paris?").build()));
        List<String> callIds = new ArrayList<>();
        for (ResponseOutputItem item : answer.output()) {
            if (item.isReasoning()) {
                input.add(ResponseInputItem.ofReasoning(item.asReasoning()));
            } else if (item.isMessage()) {
                input.add(ResponseInputItem.ofResponseOutputMessage(item.asMessage()));
            } else if (item.isFunctionCall()) {
                input.add(ResponseInputItem.ofFunctionCall(item.asFunctionCall()));
                callIds.add(item.asFunctionCall().callId());
            }
        }
        for (String callId : callIds) {
            input.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                    .callId(callId).output("result of " + callId).build()));
        }
        return input;
    }

    private static byte[] sdkBody(ResponseCreateParams params) throws IOException {
        return ObjectMappers.jsonMapper().writeValueAsBytes(params._body());
    }

    @Test
    void reads_the_sdk_written_follow_up_of_its_own_answer() throws IOException {
        ResponseCreateParams params = ResponseCreateParams.builder()
                .model("anthropic/claude-sonnet-4.6")
                .instructions("Answer briefly.")
                .inputOfResponse(replay(firstAnswer()))
                .addTool(FunctionTool.builder()
                        .name("get_weather")
                        .description("Current weather for a city")
                        .parameters(FunctionTool.Parameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties",
                                        JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .build())
                        .strict(true)
                        .build())
                .toolChoice(ToolChoiceOptions.REQUIRED)
                .text(ResponseTextConfig.builder().format(ResponseFormatTextJsonSchemaConfig.builder()
                        .name("weather_report")
                        .schema(ResponseFormatTextJsonSchemaConfig.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .build())
                        .strict(true)
                        .build()).build())
                .reasoning(Reasoning.builder().effort(ReasoningEffort.LOW).build())
                .maxOutputTokens(512L)
                .parallelToolCalls(true)
                .store(false)
                .build();

        ResponsesRequest request = ResponsesApiReader.read(sdkBody(params));
        ChatRequest chat = request.chat();

        assertThat(chat.messages()).extracting(Message::role)
                .containsExactly("system", "user", "assistant", "tool", "tool");
        Message assistant = chat.messages().get(2);
        assertThat(assistant.reasoningContent()).isEqualTo("I need the weather and the local time.");
        assertThat(assistant.text()).isEqualTo("Let me check both.");
        assertThat(assistant.toolCalls()).containsExactly(
                ToolCall.of("toolu_01A09q90qw90lq917835lq9", "get_weather", "{\"city\":\"Paris\"}"),
                ToolCall.of("toolu_01B18r81rx81mr826944mr8", "get_time", "{\"tz\":\"Europe/Paris\"}"));
        assertThat(chat.messages().get(3).toolCallId()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(chat.messages().get(3).text()).isEqualTo("result of toolu_01A09q90qw90lq917835lq9");
        assertThat(chat.tools()).singleElement().satisfies(tool -> {
            assertThat(tool.function().name()).isEqualTo("get_weather");
            assertThat(tool.function().strict()).isTrue();
            assertThat(tool.function().parameters().path("properties").path("city").path("type").textValue())
                    .isEqualTo("string");
        });
        assertThat(chat.toolChoice()).isEqualTo(new ToolChoice(ToolChoice.REQUIRED, null));
        assertThat(chat.responseFormat().type()).isEqualTo(ResponseFormat.JSON_SCHEMA);
        assertThat(chat.responseFormat().jsonSchema().name()).isEqualTo("weather_report");
        assertThat(chat.reasoningEffort()).isEqualTo("low");
        assertThat(chat.maxCompletionTokens()).isEqualTo(512);
        assertThat(chat.parallelToolCalls()).isTrue();
        assertThat(request.store()).isFalse();
        assertThat(request.warnings()).as("our own answer carries nothing we cannot forward").isEmpty();
        assertThat(chat.extra()).as("nothing unknown came from the SDK").isEmpty();
    }
}
