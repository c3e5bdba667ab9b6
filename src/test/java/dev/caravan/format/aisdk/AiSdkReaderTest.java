package dev.caravan.format.aisdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.ContentPart;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ReasoningDetail;
import dev.caravan.canonical.ResponseFormat;
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
import static org.assertj.core.groups.Tuple.tuple;

/**
 * AI SDK call options, as {@code @ai-sdk/gateway} 4.0.146 under {@code ai} 7.0.173 posts them (recorded against a
 * fake server), read into the canonical request.
 * <pre>
 * fixture                                  | covers
 * -----------------------------------------+----------------------------------------------------------------------
 * request_multimodal_tool_round_trip.json  | system; user text, image (base64 data and URL, the bare "image" media
 *                                          | type), PDF file part; assistant reasoning + text + tool call; tool
 *                                          | result (json output); function tool; toolChoice tool; maxOutputTokens,
 *                                          | temperature, topP, topK, stopSequences, seed, reasoning;
 *                                          | providerOptions.gateway kept, .anthropic → warning; headers ignored
 * request_object.json                      | responseFormat json with schema → json_schema (generateObject)
 * (inline)                                 | V3 string file data, tool outputs, provider tools → warning, errors
 * </pre>
 */
class AiSdkReaderTest {

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = AiSdkReaderTest.class.getResourceAsStream("/fixtures/aisdk/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static AiSdkRequest read(String json, boolean streaming) {
        return AiSdkReader.read(json.getBytes(StandardCharsets.UTF_8), "openai/gpt-5-mini", streaming);
    }

    @Test
    void reads_a_recorded_multimodal_tool_round_trip_into_openai_shaped_messages() throws IOException {
        AiSdkRequest request = AiSdkReader.read(fixture("request_multimodal_tool_round_trip.json"),
                "anthropic/claude-sonnet-4.6", false);
        ChatRequest chat = request.chat();

        assertThat(chat.model()).isEqualTo("anthropic/claude-sonnet-4.6");
        assertThat(chat.streaming()).isFalse();
        assertThat(chat.messages()).extracting(Message::role)
                .containsExactly("system", "user", "assistant", "tool");
        assertThat(chat.messages().get(0).text()).isEqualTo("You are terse.");

        var parts = chat.messages().get(1).content().parts();
        assertThat(parts).extracting(ContentPart::type).containsExactly("text", "image_url", "image_url", "file");
        assertThat(parts.get(1).imageUrl().url()).isEqualTo("data:image/png;base64,iVBORw0KGgo=");
        assertThat(parts.get(2).imageUrl().url()).isEqualTo("https://example.com/cat.jpg");
        assertThat(parts.get(3).extra().get("file").path("file_data").asText())
                .isEqualTo("data:application/pdf;base64,JVBERi0xLjQ=");
        assertThat(parts.get(3).extra().get("file").path("filename").asText()).isEqualTo("report.pdf");

        Message assistant = chat.messages().get(2);
        assertThat(assistant.text()).isEqualTo("Let me check.");
        assertThat(assistant.reasoningContent()).isEqualTo("I should look up the weather.");
        assertThat(assistant.toolCalls()).extracting(c -> c.id(), c -> c.function().name(),
                c -> c.function().arguments()).containsExactly(tuple("call_1", "get_weather", "{\"city\":\"Paris\"}"));
        Message tool = chat.messages().get(3);
        assertThat(tool.toolCallId()).isEqualTo("call_1");
        assertThat(tool.text()).isEqualTo("{\"celsius\":21}");

        assertThat(chat.tools()).singleElement().satisfies(t -> {
            assertThat(t.function().name()).isEqualTo("get_weather");
            assertThat(t.function().description()).isEqualTo("The weather in a city");
            assertThat(t.function().parameters().path("required").get(0).asText()).isEqualTo("city");
        });
        assertThat(chat.toolChoice()).isEqualTo(ToolChoice.named("get_weather"));
        assertThat(chat.maxCompletionTokens()).isEqualTo(300);
        assertThat(chat.temperature()).isEqualTo(0.3);
        assertThat(chat.topP()).isEqualTo(0.9);
        assertThat(chat.stop()).containsExactly("END");
        assertThat(chat.seed()).isEqualTo(7L);
        assertThat(chat.reasoningEffort()).isEqualTo("high");
        assertThat(chat.extra().get("top_k").asInt()).isEqualTo(40);
        JsonNode gateway = chat.extra().get("providerOptions").get("gateway");
        assertThat(gateway.path("order").get(0).asText()).isEqualTo("anthropic");
        assertThat(chat.extra().get("providerOptions").has("anthropic")).isFalse();
        assertThat(request.warnings()).extracting(Warning::param).containsExactly("providerOptions.anthropic");
    }

    @Test
    void reads_generate_objects_schema_as_json_schema_response_format() throws IOException {
        ChatRequest chat = AiSdkReader.read(fixture("request_object.json"), "openai/gpt-5-mini", true).chat();

        assertThat(chat.responseFormat().type()).isEqualTo(ResponseFormat.JSON_SCHEMA);
        assertThat(chat.responseFormat().jsonSchema().name()).isEqualTo("response");
        assertThat(chat.responseFormat().jsonSchema().schema().path("required").get(0).asText())
                .isEqualTo("celsius");
        assertThat(chat.streaming()).isTrue();
        assertThat(chat.includeUsage()).as("the finish part needs usage").isTrue();
        assertThat(chat.messages().getFirst().content().plain()).as("text alone stays a string")
                .isEqualTo("Weather as JSON");
    }

    @Test
    void reads_v3_string_file_data_and_every_tool_output_type() {
        AiSdkRequest request = read("""
                {"prompt":[
                  {"role":"user","content":[{"type":"file","mediaType":"image/jpeg","data":"/9j/4AAQ"},
                                            {"type":"file","mediaType":"image/png","data":"https://example.com/a.png"}]},
                  {"role":"tool","content":[
                    {"type":"tool-result","toolCallId":"a","toolName":"t","output":{"type":"text","value":"sunny"}},
                    {"type":"tool-result","toolCallId":"b","toolName":"t","output":{"type":"error-text","value":"no city"}},
                    {"type":"tool-result","toolCallId":"c","toolName":"t","output":{"type":"execution-denied","reason":"user said no"}},
                    {"type":"tool-result","toolCallId":"d","toolName":"t","output":{"type":"content","value":[
                       {"type":"text","text":"see"},{"type":"file","data":"AAAA","mediaType":"image/png"}]}},
                    {"type":"tool-approval-response","approvalId":"x","approved":true}]}]}""", false);

        var parts = request.chat().messages().getFirst().content().parts();
        assertThat(parts.get(0).imageUrl().url()).isEqualTo("data:image/jpeg;base64,/9j/4AAQ");
        assertThat(parts.get(1).imageUrl().url()).isEqualTo("https://example.com/a.png");
        assertThat(request.chat().messages().subList(1, 5)).extracting(Message::toolCallId, Message::text)
                .containsExactly(tuple("a", "sunny"), tuple("b", "no city"), tuple("c",
                        "Tool execution denied: user said no"), tuple("d", "see"));
        assertThat(request.warnings()).extracting(Warning::param).containsExactly(
                "prompt[1].content[3].output.value[1]", "prompt[1].content[4]");
    }

    @Test
    void warns_for_provider_tools_raw_chunks_unknown_options_and_assistant_files_instead_of_dropping_them() {
        AiSdkRequest request = read("""
                {"prompt":[{"role":"user","content":[{"type":"text","text":"hi"}]},
                           {"role":"assistant","content":[{"type":"file","mediaType":"image/png","data":"AAAA"}]}],
                 "tools":[{"type":"provider","id":"openai.web_search","name":"web_search","args":{}}],
                 "includeRawChunks":true,"futureOption":1,"reasoning":"max"}""", true);

        assertThat(request.chat().tools()).isNull();
        assertThat(request.chat().reasoningEffort()).isEqualTo("xhigh");
        assertThat(request.warnings()).extracting(Warning::param).containsExactlyInAnyOrder("futureOption",
                "includeRawChunks", "tools[0]", "prompt[1].content[0]", "reasoning");
    }

    @Test
    void reads_anthropics_signature_and_redacted_thinking_back_from_reasoning_parts_without_a_warning() {
        AiSdkRequest request = read("""
                {"prompt":[{"role":"user","content":[{"type":"text","text":"hi"}]},
                  {"role":"assistant","content":[
                    {"type":"reasoning","text":"Think.","providerOptions":{"anthropic":{"signature":"sig-1"}}},
                    {"type":"reasoning","text":"","providerOptions":{"anthropic":{"redactedData":"opaque"}}},
                    {"type":"text","text":"Done."}]}]}""", false);

        Message assistant = request.chat().messages().get(1);
        assertThat(assistant.reasoningDetails()).containsExactly(ReasoningDetail.text("Think.", "sig-1"),
                ReasoningDetail.encrypted("opaque"));
        assertThat(assistant.reasoningContent()).isEqualTo("Think.");
        assertThat(request.warnings()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"prompt\":[]}                                                            | prompt",
            "{\"prompt\":[{\"role\":\"owner\",\"content\":\"x\"}]}                         | prompt[0].role",
            "{\"prompt\":[{\"role\":\"system\",\"content\":[]}]}                           | prompt[0].content",
            "{\"prompt\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"mediaType\":\"image/png\"}]}]} | prompt[0].content[0].data",
            "{\"prompt\":[{\"role\":\"user\",\"content\":\"hi\"}]}                          | prompt[0].content",
            "{\"prompt\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"temperature\":\"hot\"} | temperature",
            "{\"prompt\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"maxOutputTokens\":0} | maxOutputTokens",
            "{\"prompt\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"toolChoice\":{\"type\":\"tool\"}} | toolChoice.toolName",
            "{\"prompt\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"responseFormat\":{\"type\":\"xml\"}} | responseFormat.type",
            "{\"prompt\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"providerOptions\":[1]} | providerOptions",
    })
    void refuses_malformed_call_options_with_a_400_naming_the_option(String body, String param) {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> read(body, false));

        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(e.param()).isEqualTo(param);
    }

    @Test
    void refuses_a_call_without_the_model_header_or_a_json_body() {
        assertThat(catchThrowableOfType(GatewayException.class,
                () -> AiSdkReader.read("{}".getBytes(StandardCharsets.UTF_8), null, false)).param())
                .isEqualTo("ai-language-model-id");
        assertThat(catchThrowableOfType(GatewayException.class,
                () -> AiSdkReader.read("{} {}".getBytes(StandardCharsets.UTF_8), "a/b", false)).getMessage())
                .contains("data after its JSON object");
    }
}
