package dev.caravan.format.responses;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.ContentPart;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ResponseFormat;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.ToolChoice;
import dev.caravan.canonical.Warning;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Responses API requests read into the canonical request.
 * <pre>
 * fixture                        | covers
 * -------------------------------+---------------------------------------------------------------------------
 * request_text.json              | input string, instructions → system, max_output_tokens, temperature, top_p,
 *                                | user, metadata (echo only), stream (+ include_usage), store default false
 * request_tool_round_trip.json   | easy + typed messages, reasoning (summary, encrypted → warning), assistant
 *                                | message + 2 function_calls folded into one turn, function_call_output as
 *                                | string and parts, flattened function tools, named tool_choice,
 *                                | parallel_tool_calls, text.format json_schema, reasoning.effort (+ summary →
 *                                | warning), store, previous_response_id
 * request_multimodal.json        | developer role, input_image url/data + detail, input_file → file part,
 *                                | text.format json_object, text.verbosity, include → warning, truncation
 *                                | disabled (silent), service_tier / prompt_cache_key passed through
 * (inline table)                 | strictness: each wrong input → 400 naming the field
 * </pre>
 */
class ResponsesApiReaderTest {

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = ResponsesApiReaderTest.class.getResourceAsStream("/fixtures/responses/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return in.readAllBytes();
        }
    }

    static ResponsesRequest read(String fixture) throws IOException {
        return ResponsesApiReader.read(fixture(fixture));
    }

    @Test
    void reads_a_string_input_with_instructions_as_system_then_user() throws IOException {
        ResponsesRequest request = read("request_text.json");
        ChatRequest chat = request.chat();

        assertThat(chat.model()).isEqualTo("openai/gpt-5-mini");
        assertThat(chat.messages()).extracting(Message::role, Message::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple("system", "You are a terse assistant."),
                org.assertj.core.groups.Tuple.tuple("user", "Say hello in French."));
        assertThat(chat.maxCompletionTokens()).isEqualTo(256);
        assertThat(chat.maxTokens()).isNull();
        assertThat(chat.temperature()).isEqualTo(0.2);
        assertThat(chat.topP()).isEqualTo(0.9);
        assertThat(chat.user()).isEqualTo("user-1234");
        assertThat(chat.streaming()).isTrue();
        assertThat(chat.includeUsage()).as("response.completed needs usage").isTrue();
        assertThat(chat.extra()).as("metadata is the client's bookkeeping, not the provider's").isEmpty();
        assertThat(request.store()).isFalse();
        assertThat(request.previousResponseId()).isNull();
        assertThat(request.warnings()).isEmpty();
        assertThat(request.echo().metadata().path("team").textValue()).isEqualTo("docs");
    }

    @Test
    void folds_reasoning_message_and_function_calls_into_one_assistant_turn() throws IOException {
        ChatRequest chat = read("request_tool_round_trip.json").chat();

        assertThat(chat.messages()).extracting(Message::role)
                .containsExactly("user", "assistant", "tool", "tool");
        Message assistant = chat.messages().get(1);
        assertThat(assistant.text()).isEqualTo("Let me look that up.");
        assertThat(assistant.reasoningContent()).isEqualTo("The user wants the weather in Paris.");
        assertThat(assistant.toolCalls()).containsExactly(
                ToolCall.of("call_Xk2PqLm9RtY7", "get_weather", "{\"city\":\"Paris\"}"),
                ToolCall.of("call_Bn4WsQz1HvE3", "get_time", "{\"tz\":\"Europe/Paris\"}"));
        Message weather = chat.messages().get(2);
        assertThat(weather.toolCallId()).isEqualTo("call_Xk2PqLm9RtY7");
        assertThat(weather.content().plain()).isEqualTo("{\"temp_c\":18,\"sky\":\"cloudy\"}");
        Message time = chat.messages().get(3);
        assertThat(time.toolCallId()).isEqualTo("call_Bn4WsQz1HvE3");
        assertThat(time.content().parts()).containsExactly(ContentPart.text("14:05"));
    }

    @Test
    void reads_flat_function_tools_named_tool_choice_json_schema_and_effort() throws IOException {
        ResponsesRequest request = read("request_tool_round_trip.json");
        ChatRequest chat = request.chat();

        assertThat(chat.tools()).hasSize(2);
        assertThat(chat.tools().getFirst().type()).isEqualTo("function");
        assertThat(chat.tools().getFirst().function().name()).isEqualTo("get_weather");
        assertThat(chat.tools().getFirst().function().description()).isEqualTo("Current weather for a city");
        assertThat(chat.tools().getFirst().function().parameters().path("required").get(0).textValue())
                .isEqualTo("city");
        assertThat(chat.tools().getFirst().function().strict()).isTrue();
        assertThat(chat.tools().get(1).function().strict()).isFalse();
        assertThat(chat.toolChoice()).isEqualTo(ToolChoice.named("get_weather"));
        assertThat(chat.parallelToolCalls()).isFalse();
        ResponseFormat format = chat.responseFormat();
        assertThat(format.type()).isEqualTo(ResponseFormat.JSON_SCHEMA);
        assertThat(format.jsonSchema().name()).isEqualTo("weather_report");
        assertThat(format.jsonSchema().description()).isEqualTo("A short weather report");
        assertThat(format.jsonSchema().strict()).isTrue();
        assertThat(format.jsonSchema().schema().path("type").textValue()).isEqualTo("object");
        assertThat(chat.reasoningEffort()).isEqualTo("high");
        assertThat(chat.streaming()).isFalse();
        assertThat(chat.streamOptions()).isNull();
        assertThat(request.store()).isTrue();
        assertThat(request.previousResponseId()).isEqualTo("resp_68c1f0a8e4d481909b1e2a3c4d5e6f70");
        assertThat(request.warnings()).extracting(Warning::param)
                .containsExactly("input.reasoning.encrypted_content", "reasoning.summary");
    }

    @Test
    void reads_images_files_and_developer_messages_and_passes_chat_parameters_through() throws IOException {
        ResponsesRequest request = read("request_multimodal.json");
        ChatRequest chat = request.chat();

        assertThat(chat.messages()).extracting(Message::role)
                .containsExactly("developer", "user", "assistant", "user");
        var parts = chat.messages().get(1).content().parts();
        assertThat(parts).extracting(ContentPart::type).containsExactly("text", "image_url", "image_url", "file");
        assertThat(parts.get(1).imageUrl()).isEqualTo(new ContentPart.ImageUrl("https://example.com/cat.png", "low"));
        assertThat(parts.get(2).imageUrl().isData()).isTrue();
        assertThat(parts.get(3).extra().get("file").path("file_data").textValue())
                .isEqualTo("data:application/pdf;base64,JVBERi0xLjQ=");
        assertThat(parts.get(3).extra().get("file").path("filename").textValue()).isEqualTo("memo.pdf");
        assertThat(chat.messages().get(2).text()).isEqualTo("A cat on a sofa; the memo is about lunch.");
        assertThat(chat.responseFormat().type()).isEqualTo(ResponseFormat.JSON_OBJECT);
        assertThat(chat.reasoningEffort()).isEqualTo("minimal");
        assertThat(chat.extra()).containsOnlyKeys("verbosity", "service_tier", "prompt_cache_key");
        assertThat(chat.extra().get("verbosity").textValue()).isEqualTo("low");
        assertThat(chat.extra().get("service_tier").textValue()).isEqualTo("flex");
        assertThat(request.warnings()).extracting(Warning::param).containsExactly("include");
    }

    @Test
    void tool_choice_modes_pass_as_chat_modes() {
        for (String mode : new String[] {"auto", "none", "required"}) {
            ChatRequest chat = ResponsesApiReader.read(("{\"model\":\"m\",\"input\":\"x\",\"tool_choice\":\"" + mode
                    + "\"}").getBytes(StandardCharsets.UTF_8)).chat();
            assertThat(chat.toolChoice()).isEqualTo(new ToolChoice(mode, null));
        }
    }

    @Test
    void previous_response_id_alone_is_read_and_left_to_the_route() {
        ResponsesRequest request = ResponsesApiReader.read(
                "{\"model\":\"m\",\"previous_response_id\":\"resp_1\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(request.previousResponseId()).isEqualTo("resp_1");
        assertThat(request.chat().messages()).isEmpty();
    }

    /** Fields beyond the modelled ones: warned and dropped, or passed on ("-" for no warning). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "include                 | \"include\":[\"message.output_text.logprobs\"] | include           | -",
            "empty include           | \"include\":[]                                 | -                 | -",
            "max_tool_calls          | \"max_tool_calls\":5                           | max_tool_calls    | -",
            "top_logprobs            | \"top_logprobs\":3                             | top_logprobs      | -",
            "truncation auto         | \"truncation\":\"auto\"                        | truncation        | -",
            "truncation disabled     | \"truncation\":\"disabled\"                    | -                 | -",
            "background false        | \"background\":false                           | -                 | -",
            "unknown field           | \"top_k\":40                                   | -                 | top_k",
            "safety identifier       | \"safety_identifier\":\"hash-1\"               | -                 | safety_identifier",
    })
    void warns_about_or_passes_on_fields_without_a_canonical_form(String name, String field, String warned,
                                                                  String passed) {
        ResponsesRequest request = ResponsesApiReader.read(("{\"model\":\"m\",\"input\":\"x\"," + field + "}")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(request.warnings()).extracting(Warning::param)
                .isEqualTo("-".equals(warned) ? java.util.List.of() : java.util.List.of(warned));
        assertThat(request.chat().extra().keySet())
                .isEqualTo("-".equals(passed) ? java.util.Set.of() : java.util.Set.of(passed));
    }

    /** Each body is refused with a 400 whose {@code param} names the field at fault. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "no model                   | {\"input\":\"x\"}                                                    | model",
            "no input                   | {\"model\":\"m\"}                                                    | input",
            "input a number             | {\"model\":\"m\",\"input\":5}                                        | input",
            "float as integer           | {\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":1.5}          | max_output_tokens",
            "zero output tokens         | {\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":0}            | max_output_tokens",
            "temperature a string       | {\"model\":\"m\",\"input\":\"x\",\"temperature\":\"hot\"}            | temperature",
            "arguments an object        | {\"model\":\"m\",\"input\":[{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\",\"arguments\":{}}]} | input[0].arguments",
            "item not an object         | {\"model\":\"m\",\"input\":[\"hi\"]}                                 | input[0]",
            "built-in tool item         | {\"model\":\"m\",\"input\":[{\"type\":\"web_search_call\",\"id\":\"ws_1\"}]} | input[0].type",
            "item reference             | {\"model\":\"m\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]} | input[0].type",
            "unknown role               | {\"model\":\"m\",\"input\":[{\"role\":\"tool\",\"content\":\"x\"}]}  | input[0].role",
            "content a number           | {\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":7}]}      | input[0].content",
            "image by file id           | {\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"file_id\":\"file-1\"}]}]} | input[0].content[0].image_url",
            "file by url                | {\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_url\":\"https://x/y.pdf\"}]}]} | input[0].content[0].file_data",
            "audio part                 | {\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\"}]}]} | input[0].content[0].type",
            "output without call id     | {\"model\":\"m\",\"input\":[{\"type\":\"function_call_output\",\"output\":\"x\"}]} | input[0].call_id",
            "call without name          | {\"model\":\"m\",\"input\":[{\"type\":\"function_call\",\"call_id\":\"c\",\"arguments\":\"{}\"}]} | input[0].name",
            "built-in tool              | {\"model\":\"m\",\"input\":\"x\",\"tools\":[{\"type\":\"web_search\"}]} | tools[0].type",
            "function tool without name | {\"model\":\"m\",\"input\":\"x\",\"tools\":[{\"type\":\"function\"}]} | tools[0].name",
            "tools an object            | {\"model\":\"m\",\"input\":\"x\",\"tools\":{}}                       | tools",
            "built-in tool choice       | {\"model\":\"m\",\"input\":\"x\",\"tool_choice\":{\"type\":\"file_search\"}} | tool_choice",
            "unknown tool choice mode   | {\"model\":\"m\",\"input\":\"x\",\"tool_choice\":\"any\"}            | tool_choice",
            "schema missing             | {\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"n\"}}} | text.format.schema",
            "schema name missing        | {\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\",\"schema\":{}}}} | text.format.name",
            "unknown format             | {\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"yaml\"}}} | text.format.type",
            "background                 | {\"model\":\"m\",\"input\":\"x\",\"background\":true}               | background",
            "conversation               | {\"model\":\"m\",\"input\":\"x\",\"conversation\":\"conv_1\"}       | conversation",
    })
    void refuses_wrong_input_naming_the_field(String name, String body, String param) {
        GatewayException e = refuse(body);

        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(e.param()).isEqualTo(param);
        assertThat(e.getMessage()).doesNotContain("com.fasterxml", "Cannot deserialize", "ResponsesWire");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "trailing document | {\"model\":\"m\",\"input\":\"x\"} {\"a\":1} | data after its JSON object",
            "not JSON          | {\"model\":                                | not valid JSON",
            "an array          | []                                         | must be a JSON object",
            "empty             | ``                                         | empty",
    })
    void refuses_a_body_that_is_not_one_json_object(String name, String body, String message) {
        GatewayException e = refuse(body);

        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(e.getMessage()).contains(message);
    }

    private static GatewayException refuse(String body) {
        return catchThrowableOfType(GatewayException.class,
                () -> ResponsesApiReader.read(body.getBytes(StandardCharsets.UTF_8)));
    }
}
