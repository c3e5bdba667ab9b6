package dev.caravan.format.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ReasoningDetail;
import dev.caravan.canonical.ToolChoice;
import dev.caravan.canonical.Warning;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.format.ProviderFormat;
import dev.caravan.format.gemini.GeminiFormat;
import dev.caravan.format.openai.OpenAiFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Inbound Messages requests (recorded shapes, {@code fixtures/anthropic-inbound/request_*.json}) read into the
 * canonical request, and that request written back to Anthropic by {@link AnthropicFormat}: for what both sides
 * know, the body Anthropic gets is the client's own, modulo the model id.
 *
 * <pre>
 * feature                                          canonical  back to Anthropic unchanged  fixture
 * text, string content, stop_sequences, sampling       x          x                           request_text
 * metadata.user_id -> user, top_k carried              x          x                           request_text
 * system blocks with cache_control, stream             x          x                           request_system_blocks
 * images base64 and URL, PDF document (title, cache)   x          x                           request_images
 * tools, tool_choice tool + disable_parallel           x          x                           request_tools
 * tool_use / tool_result (is_error, cache_control)     x          x                           request_tool_round_trip
 * thinking budget, signed + redacted thinking          x          x                           request_thinking
 * Claude Code's shape: cached system, 22 tools,          x          x                           request_claude_code
 *   31999 thinking at temperature 1, tool loop
 * each lossless fixture to OpenAI and Gemini            translates without error                 (all the above)
 * server tools, url documents, unknown fields       warnings                                  request_untranslatable
 * wrong types, float as int, trailing data          400 naming the field                      (inline table)
 * </pre>
 */
class MessagesApiReaderTest {

    private static final String PROVIDER_MODEL = "claude-sonnet-4-6";

    private final List<Warning> upstreamWarnings = new ArrayList<>();

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = MessagesApiReaderTest.class.getResourceAsStream("/fixtures/anthropic-inbound/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static MessagesApiReader.Read read(String name) throws IOException {
        return MessagesApiReader.read(fixture(name));
    }

    private JsonNode toAnthropic(ChatRequest request) {
        return Json.tree(new AnthropicFormat().toUpstream(request, PROVIDER_MODEL, upstreamWarnings).body());
    }

    /**
     * The client's body under the provider's model id, a string content as the one text block it is to Anthropic
     * (the mapper always writes the block form), sampling numbers as the doubles they are ({@code 1} is {@code 1.0}).
     */
    private static JsonNode asSentUpstream(JsonNode body) {
        ObjectNode copy = body.deepCopy();
        copy.put("model", PROVIDER_MODEL);
        for (String sampling : List.of("temperature", "top_p")) {
            if (copy.has(sampling)) {
                copy.put(sampling, copy.get(sampling).doubleValue());
            }
        }
        for (JsonNode message : copy.withArray("messages")) {
            JsonNode content = message.get("content");
            if (content.isTextual()) {
                ArrayNode blocks = Json.MAPPER.createArrayNode();
                blocks.addObject().put("type", "text").put("text", content.textValue());
                ((ObjectNode) message).set("content", blocks);
            }
        }
        return copy;
    }

    @ParameterizedTest
    @ValueSource(strings = {"request_text.json", "request_system_blocks.json", "request_images.json",
            "request_tools.json", "request_tool_round_trip.json", "request_thinking.json",
            "request_claude_code.json"})
    void a_messages_request_reaches_anthropic_as_the_client_sent_it(String name) throws IOException {
        MessagesApiReader.Read read = read(name);

        assertThat(read.warnings()).isEmpty();
        assertThat(toAnthropic(read.request())).isEqualTo(asSentUpstream(Json.tree(fixture(name))));
        assertThat(upstreamWarnings).isEmpty();
    }

    /** What the other formats do with Anthropic's extras is their mappers' business; they must not fail on them. */
    @ParameterizedTest
    @CsvSource({
            "request_text.json, openai", "request_text.json, gemini",
            "request_system_blocks.json, openai", "request_system_blocks.json, gemini",
            "request_images.json, openai", "request_images.json, gemini",
            "request_tools.json, openai", "request_tools.json, gemini",
            "request_tool_round_trip.json, openai", "request_tool_round_trip.json, gemini",
            "request_thinking.json, openai", "request_thinking.json, gemini",
    })
    void a_messages_request_translates_to_every_other_provider_format(String name, String format)
            throws IOException {
        ChatRequest request = read(name).request();
        ProviderFormat target = "openai".equals(format) ? new OpenAiFormat() : new GeminiFormat();

        JsonNode body = Json.tree(target.toUpstream(request, "target-model", upstreamWarnings).body());

        assertThat(body.has("openai".equals(format) ? "messages" : "contents")).isTrue();
    }

    @Test
    void reads_sampling_stop_sequences_and_the_user_into_their_canonical_fields() throws IOException {
        ChatRequest request = read("request_text.json").request();

        assertThat(request.model()).isEqualTo("claude-sonnet-4-6");
        assertThat(request.maxTokens()).isEqualTo(1024);
        assertThat(request.stop()).containsExactly("\n\nHuman:");
        assertThat(request.temperature()).isEqualTo(0.7);
        assertThat(request.topP()).isEqualTo(0.9);
        assertThat(request.extra().get("top_k").intValue()).isEqualTo(40);
        assertThat(request.user()).isEqualTo("user-4711");
        assertThat(request.streaming()).isFalse();
        assertThat(request.messages()).extracting(Message::role).containsExactly("user", "assistant", "user");
        assertThat(request.messages().getFirst().content().plain()).isEqualTo("Hello, Claude");
    }

    @Test
    void a_stream_asks_every_target_for_usage_because_message_delta_reports_it() throws IOException {
        ChatRequest request = read("request_system_blocks.json").request();

        assertThat(request.streaming()).isTrue();
        assertThat(request.includeUsage()).isTrue();
        assertThat(request.messages().getFirst().role()).isEqualTo("system");
        assertThat(request.messages().getFirst().content().parts().getLast().extra()).containsKey("cache_control");
    }

    @Test
    void images_become_image_url_parts_and_a_pdf_a_file_part() throws IOException {
        List<dev.caravan.canonical.ContentPart> parts = read("request_images.json").request().messages().getFirst()
                .content().parts();

        assertThat(parts).extracting(dev.caravan.canonical.ContentPart::type)
                .containsExactly("image_url", "image_url", "file", "text");
        assertThat(parts.get(0).imageUrl().url()).startsWith("data:image/png;base64,iVBOR");
        assertThat(parts.get(1).imageUrl().url()).isEqualTo("https://example.com/diagram.jpg");
        assertThat(parts.get(2).extra().get("file").path("file_data").asText())
                .isEqualTo("data:application/pdf;base64,JVBERi0xLjQKJcOkw7zDtsOfCg==");
        assertThat(parts.get(2).extra().get("file").path("filename").asText()).isEqualTo("spec.pdf");
    }

    @Test
    void tool_choice_and_disable_parallel_tool_use_become_openai_tool_choice_and_parallel_tool_calls()
            throws IOException {
        ChatRequest request = read("request_tools.json").request();

        assertThat(request.toolChoice()).isEqualTo(ToolChoice.named("get_weather"));
        assertThat(request.parallelToolCalls()).isFalse();
        assertThat(request.tools()).extracting(tool -> tool.function().name()).containsExactly("get_weather",
                "get_time");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"auto\"}                                   | auto     |",
            "{\"type\":\"any\"}                                    | required |",
            "{\"type\":\"none\"}                                   | none     |",
            "{\"type\":\"auto\",\"disable_parallel_tool_use\":false} | auto     | true",
    })
    void reads_each_tool_choice(String choice, String mode, Boolean parallel) {
        ChatRequest request = MessagesApiReader.read(("{\"model\":\"m\",\"max_tokens\":5,\"tool_choice\":" + choice
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8))
                .request();

        assertThat(request.toolChoice().mode()).isEqualTo(mode);
        assertThat(request.parallelToolCalls()).isEqualTo(parallel);
    }

    @Test
    void a_user_turn_becomes_its_tool_results_then_its_text_and_is_error_is_kept() throws IOException {
        List<Message> messages = read("request_tool_round_trip.json").request().messages();

        assertThat(messages).extracting(Message::role).containsExactly("user", "assistant", "tool", "tool", "user");
        Message assistant = messages.get(1);
        assertThat(assistant.toolCalls()).extracting(call -> call.function().arguments())
                .containsExactly("{\"location\":\"Paris\"}", "{\"location\":\"Atlantis\"}");
        assertThat(messages.get(2).toolCallId()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(messages.get(2).extra()).doesNotContainKey("is_error");
        assertThat(messages.get(3).extra().get("is_error").asBoolean()).isTrue();
        assertThat(messages.get(4).text()).isEqualTo("Keep it short.");
    }

    @Test
    void thinking_becomes_a_reasoning_effort_and_keeps_its_exact_budget_and_signatures() throws IOException {
        ChatRequest request = read("request_thinking.json").request();

        assertThat(request.reasoningEffort()).isEqualTo("high");
        assertThat(request.extra().get("thinking").path("budget_tokens").asInt()).isEqualTo(10000);
        Message assistant = request.messages().get(1);
        assertThat(assistant.reasoningContent())
                .isEqualTo("The user wants the weather in Paris. I should call get_weather.");
        assertThat(assistant.reasoningDetails()).extracting(ReasoningDetail::type)
                .containsExactly(ReasoningDetail.TEXT, ReasoningDetail.ENCRYPTED);
        assertThat(assistant.reasoningDetails().getFirst().signature()).startsWith("EqQBCgIYAh");
    }

    @ParameterizedTest
    @CsvSource({"1024, low", "1025, medium", "4096, medium", "31999, high"})
    void a_thinking_budget_maps_to_the_effort_whose_budget_covers_it(int budget, String effort) {
        ChatRequest request = MessagesApiReader.read(("{\"model\":\"m\",\"max_tokens\":64000,\"thinking\":"
                + "{\"type\":\"enabled\",\"budget_tokens\":" + budget + "},\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8)).request();

        assertThat(request.reasoningEffort()).isEqualTo(effort);
    }

    @Test
    void reports_what_it_cannot_translate_instead_of_dropping_it_silently() throws IOException {
        MessagesApiReader.Read read = read("request_untranslatable.json");

        assertThat(read.warnings()).extracting(Warning::param).containsExactlyInAnyOrder(
                "service_tier",
                "thinking.type=adaptive",
                "metadata.session",
                "tools[].type=web_search_20250305",
                "tools[].cache_control",
                "messages[].content[].source.type=url",
                "messages[].content[].source.type=text",
                "messages[].content[].type=search_result",
                "messages[].content[].citations",
                "messages[].content[].type=server_tool_use");
        List<Message> messages = read.request().messages();
        assertThat(messages.getFirst().content().parts()).extracting(dev.caravan.canonical.ContentPart::text)
                .containsExactly("The spec says 42.", "Summarise.");
        assertThat(messages.get(1).text()).isEqualTo("Done.");
        assertThat(read.request().tools()).extracting(tool -> tool.function().name()).containsExactly("get_time");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}                    | model",
            "{\"model\":7,\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}        | model",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}                     | max_tokens",
            "{\"model\":\"m\",\"max_tokens\":1.5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}  | max_tokens",
            "{\"model\":\"m\",\"max_tokens\":\"5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | max_tokens",
            "{\"model\":\"m\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}    | max_tokens",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}                                          | messages",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":{}}                                          | messages",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":\"hi\"}]}  | messages[0].role",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":5}]}         | messages[0].content",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":5}]}]} | messages[0].content[0].text",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\"}}]}]} | messages[0].content[0].source.data",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"n\",\"input\":{}}]}]} | messages[0].content[0].type",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"n\",\"input\":[]}]}]} | messages[0].content[0].input",
            "{\"model\":\"m\",\"max_tokens\":5,\"system\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | system",
            "{\"model\":\"m\",\"max_tokens\":5,\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | stream",
            "{\"model\":\"m\",\"max_tokens\":5,\"temperature\":\"hot\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | temperature",
            "{\"model\":\"m\",\"max_tokens\":5,\"top_k\":2.5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | top_k",
            "{\"model\":\"m\",\"max_tokens\":5,\"stop_sequences\":[1],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | stop_sequences[0]",
            "{\"model\":\"m\",\"max_tokens\":5,\"tool_choice\":{\"type\":\"required\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | tool_choice.type",
            "{\"model\":\"m\",\"max_tokens\":5,\"tool_choice\":{\"type\":\"tool\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | tool_choice.name",
            "{\"model\":\"m\",\"max_tokens\":5,\"tools\":[{\"name\":\"n\"}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | tools[0].input_schema",
            "{\"model\":\"m\",\"max_tokens\":5,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1.0},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | thinking.budget_tokens",
            "{\"model\":\"m\",\"max_tokens\":5,\"thinking\":{\"budget_tokens\":1024},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | thinking.type",
            "{\"model\":\"m\",\"max_tokens\":5,\"metadata\":{\"user_id\":5},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | metadata.user_id",
    })
    void refuses_a_malformed_request_naming_the_field(String body, String param) {
        GatewayException e = catchThrowableOfType(GatewayException.class,
                () -> MessagesApiReader.read(body.getBytes(StandardCharsets.UTF_8)));

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(e.param()).isEqualTo(param);
        assertThat(e.getMessage()).contains(param);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"model\":\"m\"} {}", "{\"model\":", "[1]", "", "   "})
    void refuses_a_body_that_is_not_exactly_one_json_object(String body) {
        assertThatThrownBy(() -> MessagesApiReader.read(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST));
    }
}
