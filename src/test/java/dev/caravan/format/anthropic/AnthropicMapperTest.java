package dev.caravan.format.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.FinishReason;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.canonical.Warning;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * OpenAI-shaped requests written as Anthropic Messages requests, and Anthropic answers read back.
 *
 * <pre>
 * feature                               request  answer  stream (AnthropicStreamDecoderTest)
 * system / developer -> system             x
 * role alternation, tool results merged    x
 * tool calls -> tool_use (parsed input)    x        x        x (two parallel calls)
 * images (data URL, http URL)              x
 * tools, tool_choice, parallel_tool_calls  x
 * response_format json_schema (as tool)    x        x        x
 * response_format json_object              x
 * reasoning_effort -> thinking             x        x        x
 * signed/redacted thinking (details)       x        x        x (signature as a detail)
 * file parts -> documents, is_error         x
 * max_tokens, stop, temperature, top_p/k   x
 * user -> metadata.user_id                 x
 * unsupported parameters -> warnings       x
 * finish reasons, usage, errors                     x        x (mid-stream error)
 * </pre>
 */
class AnthropicMapperTest {

    private final AnthropicFormat format = new AnthropicFormat();
    private final List<Warning> warnings = new ArrayList<>();

    private JsonNode upstream(String requestJson) {
        ChatRequest request = Json.read(requestJson, ChatRequest.class);
        return Json.tree(format.toUpstream(request, "claude-sonnet-4-5", warnings).body());
    }

    private static String withMessages(String messagesJson, String moreFields) {
        return "{\"model\":\"gw-model\",\"messages\":" + messagesJson
                + (moreFields.isEmpty() ? "" : "," + moreFields) + "}";
    }

    private static String hello(String moreFields) {
        return withMessages("[{\"role\":\"user\",\"content\":\"Hello\"}]", moreFields);
    }

    private static JsonNode json(String text) {
        return Json.tree(text.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> warnedParams() {
        return warnings.stream().map(Warning::param).toList();
    }

    @Test
    void writes_the_provider_model_and_the_stream_flag() {
        JsonNode body = upstream(hello("\"stream\":true,\"max_tokens\":100"));

        assertThat(body.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(upstream(hello("\"max_tokens\":100")).has("stream")).isFalse();
    }

    @Test
    void lifts_system_and_developer_messages_into_the_top_level_system() {
        JsonNode body = upstream(withMessages("""
                [{"role":"system","content":"You are terse."},
                 {"role":"developer","content":[{"type":"text","text":"Answer in French."}]},
                 {"role":"user","content":"Hello"}]""", "\"max_tokens\":100"));

        assertThat(body.path("system").asText()).isEqualTo("You are terse.\n\nAnswer in French.");
        assertThat(body.path("messages")).hasSize(1);
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("user");
    }

    @Test
    void keeps_system_parts_with_cache_control_as_text_blocks() {
        JsonNode body = upstream(withMessages("""
                [{"role":"system","content":[
                   {"type":"text","text":"Long manual","cache_control":{"type":"ephemeral"}}]},
                 {"role":"user","content":"Hello"}]""", "\"max_tokens\":100"));

        assertThat(body.path("system").isArray()).isTrue();
        assertThat(body.path("system").get(0).path("text").asText()).isEqualTo("Long manual");
        assertThat(body.path("system").get(0).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
    }

    @Test
    void merges_consecutive_messages_of_one_role_because_anthropic_requires_alternation() {
        JsonNode body = upstream(withMessages("""
                [{"role":"user","content":"First"},
                 {"role":"user","content":"Second"},
                 {"role":"assistant","content":"Reply"},
                 {"role":"assistant","content":"More"},
                 {"role":"user","content":"Third"}]""", "\"max_tokens\":100"));

        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("user");
        assertThat(messages.get(0).path("content").findValuesAsText("text")).containsExactly("First", "Second");
        assertThat(messages.get(1).path("content").findValuesAsText("text")).containsExactly("Reply", "More");
        assertThat(messages.get(2).path("role").asText()).isEqualTo("user");
    }

    @Test
    void writes_assistant_tool_calls_as_tool_use_blocks_with_parsed_input() {
        JsonNode body = upstream(withMessages("""
                [{"role":"user","content":"Weather in Paris and Tokyo?"},
                 {"role":"assistant","content":"Checking.","tool_calls":[
                   {"id":"call_1","type":"function",
                    "function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}},
                   {"id":"call_2","type":"function",
                    "function":{"name":"get_weather","arguments":"{\\"location\\":\\"Tokyo\\"}"}}]}]""",
                "\"max_tokens\":100"));

        JsonNode content = body.path("messages").get(1).path("content");
        assertThat(content.get(0).path("type").asText()).isEqualTo("text");
        assertThat(content.get(1).path("type").asText()).isEqualTo("tool_use");
        assertThat(content.get(1).path("id").asText()).isEqualTo("call_1");
        assertThat(content.get(1).path("name").asText()).isEqualTo("get_weather");
        assertThat(content.get(1).path("input").path("location").asText()).isEqualTo("Paris");
        assertThat(content.get(2).path("input").path("location").asText()).isEqualTo("Tokyo");
    }

    @Test
    void rejects_tool_call_arguments_that_are_not_json() {
        assertThatThrownBy(() -> upstream(withMessages("""
                [{"role":"user","content":"Hi"},
                 {"role":"assistant","tool_calls":[
                   {"id":"call_1","type":"function","function":{"name":"f","arguments":"{not json"}}]}]""",
                "\"max_tokens\":100")))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
                    assertThat(e.getMessage()).contains("call_1").contains("JSON");
                });
    }

    @Test
    void merges_consecutive_tool_results_into_one_user_message_ahead_of_its_text() {
        JsonNode body = upstream(withMessages("""
                [{"role":"user","content":"Weather?"},
                 {"role":"assistant","content":null,"tool_calls":[
                   {"id":"call_1","type":"function","function":{"name":"w","arguments":"{}"}},
                   {"id":"call_2","type":"function","function":{"name":"w","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"18C"},
                 {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"25C"}]},
                 {"role":"user","content":"Which is warmer?"}]""", "\"max_tokens\":100"));

        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(3);
        JsonNode results = messages.get(2);
        assertThat(results.path("role").asText()).isEqualTo("user");
        assertThat(results.path("content")).hasSize(3);
        assertThat(results.path("content").get(0).path("type").asText()).isEqualTo("tool_result");
        assertThat(results.path("content").get(0).path("tool_use_id").asText()).isEqualTo("call_1");
        assertThat(results.path("content").get(0).path("content").get(0).path("text").asText()).isEqualTo("18C");
        assertThat(results.path("content").get(1).path("tool_use_id").asText()).isEqualTo("call_2");
        assertThat(results.path("content").get(2).path("text").asText()).isEqualTo("Which is warmer?");
    }

    @Test
    void puts_tool_results_first_when_a_user_message_sits_between_calls_and_results() {
        JsonNode body = upstream(withMessages("""
                [{"role":"user","content":"Weather?"},
                 {"role":"assistant","tool_calls":[
                   {"id":"call_1","type":"function","function":{"name":"w","arguments":"{}"}}]},
                 {"role":"user","content":"Hurry"},
                 {"role":"tool","tool_call_id":"call_1","content":"18C"}]""", "\"max_tokens\":100"));

        JsonNode last = body.path("messages").get(2).path("content");
        assertThat(last.get(0).path("type").asText()).isEqualTo("tool_result");
        assertThat(last.get(1).path("text").asText()).isEqualTo("Hurry");
    }

    @Test
    void rewrites_tool_ids_anthropic_would_reject_the_same_way_in_calls_and_results() {
        JsonNode body = upstream(withMessages("""
                [{"role":"user","content":"Hi"},
                 {"role":"assistant","tool_calls":[
                   {"id":"fc:1.a","type":"function","function":{"name":"w","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"fc:1.a","content":"ok"}]""", "\"max_tokens\":100"));

        assertThat(body.path("messages").get(1).path("content").get(0).path("id").asText()).isEqualTo("fc_1_a");
        assertThat(body.path("messages").get(2).path("content").get(0).path("tool_use_id").asText())
                .isEqualTo("fc_1_a");
    }

    @Test
    void writes_data_url_images_as_base64_and_http_images_as_url_sources() {
        JsonNode body = upstream(withMessages("""
                [{"role":"user","content":[
                  {"type":"text","text":"Compare"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg","detail":"high"}}]}]""",
                "\"max_tokens\":100"));

        JsonNode content = body.path("messages").get(0).path("content");
        assertThat(content.get(1).path("type").asText()).isEqualTo("image");
        assertThat(content.get(1).path("source").path("type").asText()).isEqualTo("base64");
        assertThat(content.get(1).path("source").path("media_type").asText()).isEqualTo("image/png");
        assertThat(content.get(1).path("source").path("data").asText()).isEqualTo("iVBORw0KGgo=");
        assertThat(content.get(2).path("source").path("type").asText()).isEqualTo("url");
        assertThat(content.get(2).path("source").path("url").asText()).isEqualTo("https://example.com/cat.jpg");
    }

    @Test
    void reports_content_parts_anthropic_cannot_take() {
        upstream(withMessages("""
                [{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAA","format":"wav"}},
                                           {"type":"text","text":"Transcribe"}]}]""", "\"max_tokens\":100"));

        assertThat(warnedParams()).contains("messages[].content[].type=input_audio");
    }

    @Test
    void uses_the_output_limit_as_max_tokens_preferring_max_completion_tokens() {
        JsonNode body = upstream(hello("\"max_tokens\":100,\"max_completion_tokens\":200"));

        assertThat(body.path("max_tokens").asInt()).isEqualTo(200);
        assertThat(warnings).isEmpty();
    }

    @Test
    void defaults_max_tokens_because_anthropic_requires_it_and_says_so() {
        JsonNode body = upstream(hello(""));

        assertThat(body.path("max_tokens").asInt()).isEqualTo(4096);
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.type()).isEqualTo("adjusted_parameter");
            assertThat(w.param()).isEqualTo("max_tokens");
        });
    }

    @Test
    void writes_stop_as_stop_sequences_dropping_whitespace_only_ones() {
        JsonNode body = upstream(hello("\"max_tokens\":100,\"stop\":[\"END\",\"\\n\"]"));

        assertThat(body.path("stop_sequences")).hasSize(1);
        assertThat(body.path("stop_sequences").get(0).asText()).isEqualTo("END");
        assertThat(warnedParams()).containsExactly("stop");
        assertThat(upstream(hello("\"max_tokens\":100,\"stop\":\"###\"")).path("stop_sequences").get(0).asText())
                .isEqualTo("###");
    }

    @Test
    void passes_sampling_parameters_and_clamps_temperature_to_anthropics_range() {
        JsonNode body = upstream(hello("\"max_tokens\":100,\"temperature\":0.3,\"top_p\":0.9,\"top_k\":40"));
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.path("top_k").asInt()).isEqualTo(40);
        assertThat(warnings).isEmpty();

        JsonNode hot = upstream(hello("\"max_tokens\":100,\"temperature\":1.7"));
        assertThat(hot.path("temperature").asDouble()).isEqualTo(1.0);
        assertThat(warnedParams()).containsExactly("temperature");
    }

    @Test
    void writes_the_user_as_metadata_user_id() {
        JsonNode body = upstream(hello("\"max_tokens\":100,\"user\":\"user-42\""));

        assertThat(body.path("metadata").path("user_id").asText()).isEqualTo("user-42");
    }

    @Test
    void reports_every_parameter_anthropic_cannot_honour() {
        upstream(hello("\"max_tokens\":100,\"n\":2,\"seed\":7,\"presence_penalty\":0.5,\"frequency_penalty\":0.2,"
                + "\"logprobs\":true,\"logit_bias\":{\"50256\":-100}"));

        assertThat(warnedParams()).containsExactlyInAnyOrder(
                "n", "seed", "presence_penalty", "frequency_penalty", "logprobs", "logit_bias");
        assertThat(warnings).allSatisfy(w -> assertThat(w.type()).isEqualTo("unsupported_parameter"));
    }

    @Test
    void reports_message_names_anthropic_has_no_place_for() {
        upstream(withMessages("[{\"role\":\"user\",\"name\":\"alice\",\"content\":\"Hi\"}]", "\"max_tokens\":100"));

        assertThat(warnedParams()).containsExactly("messages[].name");
    }

    @Test
    void does_not_warn_about_openai_defaults_that_change_nothing() {
        upstream(hello("\"max_tokens\":100,\"n\":1,\"presence_penalty\":0,\"frequency_penalty\":0"));

        assertThat(warnings).isEmpty();
    }

    private static final String WEATHER_TOOL = """
            "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather",
              "parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}}]""";

    @Test
    void writes_tools_with_name_description_and_input_schema() {
        JsonNode body = upstream(hello("\"max_tokens\":100," + WEATHER_TOOL));

        JsonNode tool = body.path("tools").get(0);
        assertThat(tool.path("name").asText()).isEqualTo("get_weather");
        assertThat(tool.path("description").asText()).isEqualTo("Current weather");
        assertThat(tool.path("input_schema").path("properties").has("location")).isTrue();
        assertThat(tool.has("type")).isFalse();
        assertThat(body.has("tool_choice")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"auto\"                                                 | {\"type\":\"auto\"}",
            "\"required\"                                             | {\"type\":\"any\"}",
            "\"none\"                                                 | {\"type\":\"none\"}",
            "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}"
                    + " | {\"type\":\"tool\",\"name\":\"get_weather\"}"})
    void maps_tool_choice(String openAi, String anthropic) {
        JsonNode body = upstream(hello("\"max_tokens\":100," + WEATHER_TOOL + ",\"tool_choice\":" + openAi));

        assertThat(body.path("tool_choice")).isEqualTo(Json.tree(anthropic.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void writes_parallel_tool_calls_false_as_disable_parallel_tool_use() {
        JsonNode implicit = upstream(hello("\"max_tokens\":100," + WEATHER_TOOL + ",\"parallel_tool_calls\":false"));
        JsonNode required = upstream(hello("\"max_tokens\":100," + WEATHER_TOOL
                + ",\"tool_choice\":\"required\",\"parallel_tool_calls\":false"));

        assertThat(implicit.path("tool_choice").path("type").asText()).isEqualTo("auto");
        assertThat(implicit.path("tool_choice").path("disable_parallel_tool_use").asBoolean()).isTrue();
        assertThat(required.path("tool_choice").path("type").asText()).isEqualTo("any");
        assertThat(required.path("tool_choice").path("disable_parallel_tool_use").asBoolean()).isTrue();
    }

    @Test
    void leaves_out_tool_choice_without_tools_because_anthropic_rejects_it() {
        assertThat(upstream(hello("\"max_tokens\":100,\"tool_choice\":\"auto\"")).has("tool_choice")).isFalse();
    }

    @Test
    void rejects_client_tools_that_use_the_reserved_output_tool_prefix() {
        assertThatThrownBy(() -> upstream(hello("\"max_tokens\":100,\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"caravan_output_x\"}}]")))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST));
    }

    private static final String WEATHER_SCHEMA = """
            "response_format":{"type":"json_schema","json_schema":{"name":"weather_report","strict":true,
              "schema":{"type":"object","properties":{"city":{"type":"string"},"temperature_c":{"type":"number"}},
                        "required":["city","temperature_c"]}}}""";

    @Test
    void writes_json_schema_as_a_forced_tool_named_after_the_schema() {
        JsonNode body = upstream(hello("\"max_tokens\":100," + WEATHER_SCHEMA));

        JsonNode tool = body.path("tools").get(0);
        assertThat(tool.path("name").asText()).isEqualTo("caravan_output_weather_report");
        assertThat(tool.path("input_schema").path("properties").has("temperature_c")).isTrue();
        assertThat(tool.path("input_schema").path("required")).hasSize(2);
        assertThat(body.path("tool_choice").path("type").asText()).isEqualTo("tool");
        assertThat(body.path("tool_choice").path("name").asText()).isEqualTo("caravan_output_weather_report");
    }

    @Test
    void lets_the_model_choose_between_client_tools_and_the_json_schema_tool() {
        JsonNode body = upstream(hello("\"max_tokens\":100," + WEATHER_TOOL + "," + WEATHER_SCHEMA));

        assertThat(body.path("tools").findValuesAsText("name"))
                .containsExactly("get_weather", "caravan_output_weather_report");
        assertThat(body.path("tool_choice").path("type").asText()).isEqualTo("any");
    }

    @Test
    void asks_for_a_json_object_in_the_system_prompt_for_json_object() {
        JsonNode body = upstream(withMessages("""
                [{"role":"system","content":"You extract data."},{"role":"user","content":"Hello"}]""",
                "\"max_tokens\":100,\"response_format\":{\"type\":\"json_object\"}"));

        assertThat(body.path("system").asText()).startsWith("You extract data.")
                .endsWith(AnthropicMapper.JSON_OBJECT_INSTRUCTION);
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.type()).isEqualTo("adjusted_parameter");
            assertThat(w.param()).isEqualTo("response_format");
        });
    }

    @ParameterizedTest
    @CsvSource({"low, 1024", "medium, 4096", "high, 16384"})
    void writes_reasoning_effort_as_a_thinking_budget_below_max_tokens(String effort, int budget) {
        JsonNode body = upstream(hello("\"max_completion_tokens\":32000,\"reasoning_effort\":\"" + effort + "\""));

        assertThat(body.path("thinking").path("type").asText()).isEqualTo("enabled");
        assertThat(body.path("thinking").path("budget_tokens").asInt()).isEqualTo(budget);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(32000);
        assertThat(warnings).isEmpty();
    }

    @Test
    void leaves_thinking_off_for_effort_none_and_reports_efforts_without_a_budget() {
        assertThat(upstream(hello("\"max_tokens\":100,\"reasoning_effort\":\"none\"")).has("thinking")).isFalse();
        assertThat(warnings).isEmpty();

        assertThat(upstream(hello("\"max_tokens\":100,\"reasoning_effort\":\"xhigh\"")).has("thinking")).isFalse();
        assertThat(warnedParams()).containsExactly("reasoning_effort");
    }

    @Test
    void raises_max_tokens_above_the_thinking_budget() {
        JsonNode body = upstream(hello("\"max_tokens\":1000,\"reasoning_effort\":\"medium\""));

        assertThat(body.path("max_tokens").asInt()).isEqualTo(4096 + 1000);
        assertThat(warnedParams()).containsExactly("max_tokens");

        warnings.clear();
        JsonNode defaulted = upstream(hello("\"reasoning_effort\":\"high\""));
        assertThat(defaulted.path("max_tokens").asInt()).isGreaterThan(16384);
    }

    @Test
    void drops_sampling_parameters_thinking_forbids_and_says_so() {
        JsonNode body = upstream(hello("\"max_tokens\":8000,\"reasoning_effort\":\"low\",\"temperature\":0.2,"
                + "\"top_p\":0.5,\"top_k\":10"));

        assertThat(body.has("temperature")).isFalse();
        assertThat(body.has("top_p")).isFalse();
        assertThat(body.has("top_k")).isFalse();
        assertThat(warnedParams()).containsExactlyInAnyOrder("temperature", "top_p", "top_k");
        assertThat(warnings).allSatisfy(w -> assertThat(w.type()).isEqualTo("adjusted_parameter"));
    }

    @Test
    void leaves_thinking_off_when_a_tool_call_is_forced() {
        JsonNode forced = upstream(hello("\"max_tokens\":8000,\"reasoning_effort\":\"low\"," + WEATHER_TOOL
                + ",\"tool_choice\":\"required\""));
        JsonNode schema = upstream(hello("\"max_tokens\":8000,\"reasoning_effort\":\"low\"," + WEATHER_SCHEMA));

        assertThat(forced.has("thinking")).isFalse();
        assertThat(schema.has("thinking")).isFalse();
        assertThat(warnedParams()).containsOnly("reasoning_effort");
    }

    @Test
    void leaves_thinking_off_after_a_tool_calling_turn_whose_signed_thinking_is_lost() {
        JsonNode body = upstream(withMessages("""
                [{"role":"user","content":"Weather?"},
                 {"role":"assistant","tool_calls":[
                   {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"18C"}]""",
                "\"max_tokens\":8000,\"reasoning_effort\":\"low\"," + WEATHER_TOOL));

        assertThat(body.has("thinking")).isFalse();
        assertThat(warnedParams()).containsExactly("reasoning_effort");
    }

    @Test
    void sends_signed_thinking_from_reasoning_details_back_first_and_keeps_thinking_on_after_the_tool_turn() {
        JsonNode body = upstream(withMessages("""
                [{"role":"user","content":"Weather?"},
                 {"role":"assistant","reasoning_content":"Call the tool.",
                  "reasoning_details":[{"type":"reasoning.text","text":"Call the tool.","signature":"sig-1"},
                                       {"type":"reasoning.encrypted","data":"opaque"},
                                       {"type":"reasoning.text","text":"unsigned, from another provider"}],
                  "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"18C"}]""",
                "\"max_tokens\":8000,\"reasoning_effort\":\"low\"," + WEATHER_TOOL));

        assertThat(body.path("thinking").path("budget_tokens").asInt()).isEqualTo(1024);
        assertThat(body.path("messages").get(1).path("content")).isEqualTo(json("""
                [{"type":"thinking","thinking":"Call the tool.","signature":"sig-1"},
                 {"type":"redacted_thinking","data":"opaque"},
                 {"type":"tool_use","id":"call_1","name":"get_weather","input":{}}]"""));
        assertThat(warnings).isEmpty();
    }

    @Test
    void an_anthropic_thinking_object_in_extra_sets_the_exact_budget() {
        JsonNode body = upstream(hello("\"max_tokens\":40000,\"reasoning_effort\":\"high\","
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":31999}"));

        assertThat(body.path("thinking").path("budget_tokens").asInt()).isEqualTo(31999);
        assertThat(warnings).isEmpty();
    }

    @Test
    void writes_file_parts_as_documents_and_a_tool_results_error_flag() {
        JsonNode body = upstream(withMessages("""
                [{"role":"user","content":[{"type":"file","file":{"file_data":"data:application/pdf;base64,JVBE",
                   "filename":"a.pdf"}}]},
                 {"role":"assistant","tool_calls":[
                   {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"no such city","is_error":true}]""",
                "\"max_tokens\":100"));

        assertThat(body.path("messages").get(0).path("content").get(0)).isEqualTo(json("""
                {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"},
                 "title":"a.pdf"}"""));
        assertThat(body.path("messages").get(2).path("content").get(0).path("is_error").asBoolean()).isTrue();
    }

    @Test
    void answers_carry_id_model_created_text_tool_calls_reasoning_and_usage() throws IOException {
        ChatCompletion completion = format.toCompletion(fixture("response_thinking_text_tool.json"));

        assertThat(completion.id()).isEqualTo("msg_01Aq9w938a90dw8q");
        assertThat(completion.object()).isEqualTo(ChatCompletion.OBJECT);
        assertThat(completion.model()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(completion.created()).isPositive();
        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        Message message = choice.message();
        assertThat(message.role()).isEqualTo("assistant");
        assertThat(message.text()).isEqualTo("Let me look that up.");
        assertThat(message.reasoningContent())
                .isEqualTo("The user wants the weather in Paris. I should call get_weather.");
        ToolCall call = message.toolCalls().getFirst();
        assertThat(call.id()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(call.type()).isEqualTo("function");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(Json.tree(call.function().arguments().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Json.tree("{\"location\":\"Paris\",\"unit\":\"celsius\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(completion.usage().promptTokens()).isEqualTo(312);
        assertThat(completion.usage().completionTokens()).isEqualTo(128);
        assertThat(completion.usage().totalTokens()).isEqualTo(440);
    }

    @Test
    void answers_from_the_json_schema_tool_become_text_with_finish_reason_stop() throws IOException {
        ChatCompletion completion = format.toCompletion(fixture("response_json_schema_tool.json"));

        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(choice.message().toolCalls()).isNull();
        assertThat(Json.tree(choice.message().text().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Json.tree("{\"city\":\"Paris\",\"temperature_c\":18}".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @CsvSource({
            "end_turn, false, stop",
            "stop_sequence, false, stop",
            "pause_turn, false, stop",
            "max_tokens, false, length",
            "model_context_window_exceeded, false, length",
            "tool_use, true, tool_calls",
            "tool_use, false, stop",
            "refusal, false, content_filter",
            "some_future_reason, false, stop"})
    void maps_stop_reasons_to_finish_reasons(String stopReason, boolean clientTools, String finishReason) {
        assertThat(AnthropicResults.toFinishReason(stopReason, clientTools)).isEqualTo(finishReason);
    }

    @Test
    void counts_cache_reads_and_writes_into_prompt_tokens() {
        Usage usage = AnthropicResults.toUsage(new AnthropicWire.Usage(25, 15, 100, 2000));

        assertThat(usage.promptTokens()).isEqualTo(25 + 100 + 2000);
        assertThat(usage.completionTokens()).isEqualTo(15);
        assertThat(usage.totalTokens()).isEqualTo(2140);
        assertThat(usage.promptTokensDetails().cachedTokens()).isEqualTo(2000);
        assertThat(usage.promptTokensDetails().cacheWriteTokens()).isEqualTo(100);
    }

    @Test
    void leaves_cache_details_out_when_anthropic_reports_none() {
        Usage usage = AnthropicResults.toUsage(new AnthropicWire.Usage(10, 5, null, null));

        assertThat(usage.promptTokens()).isEqualTo(10);
        assertThat(usage.promptTokensDetails()).isNull();
    }

    @ParameterizedTest
    @CsvSource({
            "overloaded_error, UPSTREAM_OVERLOADED",
            "rate_limit_error, RATE_LIMITED",
            "api_error, UPSTREAM_UNAVAILABLE",
            "invalid_request_error, UPSTREAM_UNAVAILABLE"})
    void classifies_stream_error_types(String errorType, ErrorKind kind) {
        assertThat(AnthropicResults.toErrorKind(errorType)).isEqualTo(kind);
    }

    @Test
    void reads_the_message_of_anthropic_error_bodies_and_nothing_else() throws IOException {
        assertThat(format.errorMessage(fixture("error_overloaded.json"))).isEqualTo("Overloaded");
        assertThat(format.errorMessage("<html>Bad gateway</html>".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(format.errorMessage("{\"detail\":\"nope\"}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(format.errorMessage(new byte[0])).isNull();
    }

    @Test
    void authenticates_with_x_api_key_and_a_version() {
        assertThat(format.name()).isEqualTo("anthropic");
        assertThat(format.simulatorPath()).isEmpty();
        assertThat(format.authHeaders("sk-ant-test"))
                .containsEntry("x-api-key", "sk-ant-test")
                .containsEntry("anthropic-version", "2023-06-01")
                .hasSize(2);
    }

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = AnthropicMapperTest.class.getResourceAsStream("/fixtures/anthropic/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return in.readAllBytes();
        }
    }
}
