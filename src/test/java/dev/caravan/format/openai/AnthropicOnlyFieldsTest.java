package dev.caravan.format.openai;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.format.UpstreamHints;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an OpenAI-compatible target is sent of the fields only Anthropic reads (a Messages API request carries them
 * in the canonical request's {@code extra}): nothing, each reported once, and the shared request left as it was.
 */
class AnthropicOnlyFieldsTest {

    private static final UpstreamHints FROM_MESSAGES_API = UpstreamHints.of(false, true);

    private static ChatRequest request(String json) {
        return Json.read(json.getBytes(StandardCharsets.UTF_8), ChatRequest.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            top_k                              | {"model":"m","top_k":5,"messages":[{"role":"user","content":"hi"}]}
            thinking                           | {"model":"m","thinking":{"type":"enabled","budget_tokens":2048},"messages":[{"role":"user","content":"hi"}]}
            messages[].is_error                | {"model":"m","messages":[{"role":"tool","tool_call_id":"c1","content":"boom","is_error":true}]}
            messages[].reasoning_details       | {"model":"m","messages":[{"role":"assistant","content":"ok","reasoning_details":[{"type":"reasoning.text","text":"t","signature":"s"}]}]}
            content[].cache_control            | {"model":"m","messages":[{"role":"system","content":[{"type":"text","text":"terse","cache_control":{"type":"ephemeral"}}]}]}
            """)
    void leaves_out_an_anthropic_only_field_with_a_warning(String param, String json) {
        ChatRequest request = request(json);
        String before = new String(Json.write(request), StandardCharsets.UTF_8);
        List<Warning> warnings = new ArrayList<>();

        String sent = new String(new OpenAiFormat().toUpstream(request, "gpt-5-mini", FROM_MESSAGES_API, warnings)
                .body(), StandardCharsets.UTF_8);

        String field = param.substring(param.lastIndexOf('.') + 1);
        assertThat(sent).doesNotContain("\"" + field + "\"");
        assertThat(warnings).extracting(Warning::param).containsExactly(param);
        // the request is shared by every attempt: an Anthropic fallback still gets the field
        assertThat(new String(Json.write(request), StandardCharsets.UTF_8)).isEqualTo(before).contains(field);
    }

    @Test
    void a_chat_completions_clients_own_extra_fields_reach_an_openai_compatible_server_as_sent() {
        // vLLM and others read top_k from an OpenAI-style body: only a Messages API request's are Anthropic's
        ChatRequest request = request("""
                {"model":"m","top_k":5,"messages":[{"role":"user","content":"hi"}]}""");
        List<Warning> warnings = new ArrayList<>();

        String sent = new String(new OpenAiFormat().toUpstream(request, "m", UpstreamHints.NONE, warnings).body(),
                StandardCharsets.UTF_8);

        assertThat(Json.tree(sent.getBytes(StandardCharsets.UTF_8)).path("top_k").asInt()).isEqualTo(5);
        assertThat(warnings).isEmpty();
    }

    @Test
    void warns_once_for_a_field_on_many_parts_and_keeps_the_rest_of_the_message() {
        ChatRequest request = request("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"text","text":"a","cache_control":{"type":"ephemeral"}},
                  {"type":"text","text":"b","cache_control":{"type":"ephemeral"}}]}]}""");
        List<Warning> warnings = new ArrayList<>();

        ChatRequest sent = AnthropicOnlyFields.strip(request, warnings);

        assertThat(warnings).hasSize(1);
        assertThat(sent.messages().getFirst().content().parts()).extracting(p -> p.text()).containsExactly("a", "b");
    }

    @Test
    void passes_other_unknown_fields_through_and_a_plain_request_uncopied() {
        ChatRequest request = request("""
                {"model":"m","min_p":0.1,"messages":[{"role":"user","content":"hi"}]}""");
        List<Warning> warnings = new ArrayList<>();

        assertThat(AnthropicOnlyFields.strip(request, warnings)).isSameAs(request);
        assertThat(warnings).isEmpty();
    }
}
