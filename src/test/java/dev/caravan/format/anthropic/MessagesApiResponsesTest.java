package dev.caravan.format.anthropic;

import com.anthropic.core.ObjectMappers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.FinishReason;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.canonical.Warning;
import dev.caravan.format.gemini.GeminiFormat;
import dev.caravan.format.openai.OpenAiFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Canonical answers, as each provider format reads them, written as the answer of the gateway's
 * {@code /v1/messages}, and checked by the Anthropic Java SDK's own deserializer.
 *
 * <pre>
 * source                     thinking (signed)  text  tool_use  stop_reason  usage (cache)  golden
 * Anthropic thinking + tool        x             x       x       tool_use        x         the Anthropic answer itself
 * OpenAI text                                    x               end_turn        x         response_from_openai_text
 * Gemini thought + tool        x (unsigned)      x       x       tool_use        x         response_from_gemini_tool
 * finish reasons -> stop reasons: table; warnings: top-level "warnings"
 * </pre>
 */
class MessagesApiResponsesTest {

    static final String MODEL = "anthropic/claude-sonnet-4.6";

    private static byte[] fixture(String format, String name) throws IOException {
        try (InputStream in = MessagesApiResponsesTest.class.getResourceAsStream("/fixtures/" + format + "/" + name)) {
            assertThat(in).as("fixture %s/%s", format, name).isNotNull();
            return in.readAllBytes();
        }
    }

    /** The SDK's strict read: unknown fields are fine, missing or mistyped required ones are not. */
    static void assertSdkParsesMessage(byte[] json) throws IOException {
        com.anthropic.models.messages.Message message = ObjectMappers.jsonMapper()
                .readValue(json, com.anthropic.models.messages.Message.class);
        message.validate();
        assertThat(message.content()).isNotEmpty();
    }

    @Test
    void an_anthropic_answer_comes_back_as_anthropic_sent_it_under_the_catalog_model() throws IOException {
        byte[] original = fixture("anthropic", "response_thinking_text_tool.json");
        ChatCompletion completion = new AnthropicFormat().toCompletion(original);

        byte[] json = MessagesApiResponses.toJson(completion, MODEL);

        ObjectNode expected = (ObjectNode) Json.tree(original);
        expected.put("model", MODEL);
        assertThat(Json.tree(json)).isEqualTo(expected);
        assertSdkParsesMessage(json);
    }

    @Test
    void an_openai_answer_becomes_a_text_message() throws IOException {
        ChatCompletion completion = new OpenAiFormat().toCompletion(fixture("openai", "response_text.json"));

        byte[] json = MessagesApiResponses.toJson(completion, "openai/gpt-5-mini");

        assertThat(Json.tree(json)).isEqualTo(Json.tree(fixture("anthropic-inbound",
                "response_from_openai_text.expected.json")));
        assertSdkParsesMessage(json);
    }

    @Test
    void a_gemini_answer_keeps_its_thought_as_unsigned_thinking_and_its_call_as_tool_use() throws IOException {
        ChatCompletion completion = new GeminiFormat().toCompletion(fixture("gemini",
                "response_text_tool_thought.json"));

        byte[] json = MessagesApiResponses.toJson(completion, "google/gemini-2.5-flash");

        // Gemini names no calls: the gateway mints each id, different every time
        ObjectNode body = (ObjectNode) Json.tree(json);
        ObjectNode toolUse = (ObjectNode) body.path("content").get(2);
        assertThat(toolUse.path("id").asText()).startsWith("call_");
        toolUse.put("id", "call_<generated>");
        assertThat(body).isEqualTo(Json.tree(fixture("anthropic-inbound",
                "response_from_gemini_tool.expected.json")));
        assertSdkParsesMessage(json);
    }

    @ParameterizedTest
    @CsvSource({
            "stop,           false, end_turn",
            "stop,           true,  tool_use",
            "length,         false, max_tokens",
            "tool_calls,     true,  tool_use",
            "function_call,  true,  tool_use",
            "content_filter, false, refusal",
    })
    void maps_each_finish_reason_to_a_stop_reason(String finishReason, boolean calledTools, String stopReason) {
        assertThat(MessagesApiResponses.toStopReason(finishReason, calledTools)).isEqualTo(stopReason);
    }

    @Test
    void counts_only_uncached_input_as_input_tokens_with_cache_reads_and_writes_beside() {
        AnthropicWire.Usage usage = MessagesApiResponses.toUsage(Usage.of(2125, 15, 2000, 100, null));

        assertThat(usage).isEqualTo(new AnthropicWire.Usage(25, 15, 100, 2000));
    }

    @Test
    void carries_warnings_in_a_top_level_field_and_ids_get_anthropics_prefix() throws IOException {
        ChatCompletion completion = new ChatCompletion("gen-42", ChatCompletion.OBJECT, 1L, "x",
                List.of(new ChatCompletion.Choice(0, Message.assistant(null,
                        List.of(ToolCall.of("call_1", "get_time", "not json")), null), FinishReason.TOOL_CALLS, null)),
                Usage.of(10, 2, null, null, null), null, List.of(Warning.unsupported("top_k", "openai")), null);

        byte[] json = MessagesApiResponses.toJson(completion, MODEL);

        JsonNode body = Json.tree(json);
        assertThat(body.path("id").asText()).isEqualTo("msg_gen-42");
        assertThat(body.path("warnings")).extracting(w -> w.path("param").asText())
                .containsExactly("top_k", "content[].input");
        assertThat(body.path("content").get(0).path("input").isObject()).isTrue();
        assertSdkParsesMessage(json);
    }
}
