package dev.caravan.format.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.FinishReason;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.canonical.Warning;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.format.UpstreamRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Request and answer translation between the canonical (OpenAI) shape and Gemini's generateContent.
 *
 * <pre>
 * covered                         request  response  stream (GeminiStreamDecoderTest)
 * system + developer              yes      -         -
 * multi-turn, role merge          yes      -         -
 * images (http, data URL)         yes      -         -
 * audio, pdf parts                yes      -         -
 * tools, tool_choice              yes      -         -
 * tool calls / tool results       yes      yes       yes (parallel)
 * response_format                 yes      -         -
 * sampling, stop, max tokens, n   yes      yes (n)   -
 * reasoning_effort / thoughts     yes      yes       yes
 * finish reasons                  -        yes       yes
 * usage (cached, reasoning)       -        yes       yes
 * blocked prompt                  -        yes       yes
 * unsupported params → warnings   yes      -         -
 * error bodies                    -        yes       yes
 * </pre>
 */
class GeminiMapperTest {

    private final GeminiFormat format = new GeminiFormat();

    // ---- request ----

    @Test
    void translates_a_full_conversation_fixture_to_the_gemini_request() {
        List<Warning> warnings = new ArrayList<>();
        JsonNode body = toGemini(fixture("request_conversation.json"), warnings);

        assertThat(body).isEqualTo(Json.tree(fixture("request_conversation.expected.json")
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(warnings).isEmpty();
    }

    @Test
    void addresses_the_model_in_the_path_and_asks_for_sse_when_streaming() {
        UpstreamRequest plain = format.toUpstream(request("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                "gemini-2.5-flash", new ArrayList<>());
        UpstreamRequest streamed = format.toUpstream(
                request("{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                "gemini-2.5-flash", new ArrayList<>());

        assertThat(plain.path()).isEqualTo("/gemini-2.5-flash:generateContent");
        assertThat(plain.query()).isNull();
        assertThat(streamed.path()).isEqualTo("/gemini-2.5-flash:streamGenerateContent");
        assertThat(streamed.query()).isEqualTo("alt=sse");
    }

    @Test
    void authenticates_with_the_goog_api_key_header() {
        assertThat(format.authHeaders("k-123")).containsExactly(java.util.Map.entry("x-goog-api-key", "k-123"));
        assertThat(format.name()).isEqualTo("gemini");
        assertThat(format.simulatorPath()).isEmpty();
    }

    @Test
    void moves_system_and_developer_messages_to_the_system_instruction() {
        JsonNode body = toGemini("""
                {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},
                  {"role":"developer","content":"Use metric units."}]}""");

        assertThat(body.at("/systemInstruction/parts/0/text").asText()).isEqualTo("Be brief.");
        assertThat(body.at("/systemInstruction/parts/1/text").asText()).isEqualTo("Use metric units.");
        assertThat(body.at("/systemInstruction/role").isMissingNode()).isTrue();
        assertThat(body.get("contents")).hasSize(1);
    }

    @Test
    void maps_assistant_to_model_and_merges_consecutive_same_role_turns() {
        JsonNode body = toGemini("""
                {"messages":[{"role":"user","content":"one"},{"role":"user","content":"two"},
                  {"role":"assistant","content":"three"},{"role":"user","content":"four"}]}""");

        JsonNode contents = body.get("contents");
        assertThat(contents).hasSize(3);
        assertThat(contents.at("/0/role").asText()).isEqualTo("user");
        assertThat(contents.at("/0/parts/1/text").asText()).isEqualTo("two");
        assertThat(contents.at("/1/role").asText()).isEqualTo("model");
        assertThat(contents.at("/1/parts/0/text").asText()).isEqualTo("three");
        assertThat(contents.at("/2/role").asText()).isEqualTo("user");
    }

    @Test
    void drops_empty_text_because_gemini_rejects_empty_parts() {
        JsonNode body = toGemini("""
                {"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":""},
                  {"role":"user","content":"again"}]}""");

        assertThat(body.get("contents")).hasSize(1);
        assertThat(body.at("/contents/0/parts")).hasSize(2);
    }

    @Test
    void sends_assistant_tool_calls_as_function_calls_with_parsed_args() {
        JsonNode body = toGemini(toolConversation("{\\\"city\\\":\\\"Paris\\\",\\\"days\\\":2}", "sunny"));

        JsonNode call = body.at("/contents/1/parts/0/functionCall");
        assertThat(call.get("name").asText()).isEqualTo("get_weather");
        assertThat(call.get("args")).isEqualTo(Json.tree("{\"city\":\"Paris\",\"days\":2}".getBytes()));
    }

    @Test
    void marks_the_first_replayed_call_of_a_turn_with_the_documented_skip_signature() {
        JsonNode body = toGemini(fixture("request_conversation.json"));

        assertThat(body.at("/contents/1/parts/0/thoughtSignature").asText())
                .isEqualTo("skip_thought_signature_validator");
        assertThat(body.at("/contents/1/parts/1/thoughtSignature").isMissingNode()).isTrue();
    }

    @Test
    void rejects_tool_call_arguments_that_are_not_a_json_object() {
        for (String args : List.of("{not json", "[1,2]")) {
            assertThatThrownBy(() -> toGemini(toolConversation(args.replace("\"", "\\\""), "x")))
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
                        assertThat(e.param()).isEqualTo("messages[1].tool_calls[0].function.arguments");
                    });
        }
    }

    @Test
    void names_the_function_in_a_tool_result_by_looking_up_the_earlier_call() {
        JsonNode body = toGemini(toolConversation("{}", "sunny"));

        JsonNode response = body.at("/contents/2/parts/0/functionResponse");
        assertThat(body.at("/contents/2/role").asText()).isEqualTo("user");
        assertThat(response.get("name").asText()).isEqualTo("get_weather");
    }

    @Test
    void passes_a_json_object_tool_result_as_is_and_wraps_anything_else() {
        assertThat(toGemini(toolConversation("{}", "{\\\"temp\\\":21}"))
                .at("/contents/2/parts/0/functionResponse/response"))
                .isEqualTo(Json.tree("{\"temp\":21}".getBytes()));
        assertThat(toGemini(toolConversation("{}", "sunny")).at("/contents/2/parts/0/functionResponse/response"))
                .isEqualTo(Json.tree("{\"result\":\"sunny\"}".getBytes()));
        assertThat(toGemini(toolConversation("{}", "[1,2]")).at("/contents/2/parts/0/functionResponse/response"))
                .isEqualTo(Json.tree("{\"result\":\"[1,2]\"}".getBytes()));
    }

    @Test
    void rejects_a_tool_result_that_answers_no_earlier_call() {
        assertThatThrownBy(() -> toGemini("""
                {"messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"call_x","content":"1"}]}"""))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.param()).isEqualTo("messages[1].tool_call_id"));
    }

    @ParameterizedTest
    @CsvSource({
            "https://example.com/a.png, image/png",
            "https://example.com/a.PNG?x=1, image/png",
            "https://example.com/a.webp#frag, image/webp",
            "https://example.com/a.gif, image/gif",
            "https://example.com/a.heic, image/heic",
            "https://example.com/a.jpg, image/jpeg",
            "https://example.com/photo, image/jpeg",
            "https://example.com/dir.png/photo, image/jpeg"})
    void sends_image_urls_as_file_data_with_a_type_guessed_from_the_extension(String url, String mimeType) {
        JsonNode body = toGemini("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"" + url + "\"}}]}]}");

        assertThat(body.at("/contents/0/parts/0/fileData/fileUri").asText()).isEqualTo(url);
        assertThat(body.at("/contents/0/parts/0/fileData/mimeType").asText()).isEqualTo(mimeType);
    }

    @Test
    void sends_data_url_images_as_inline_data() {
        JsonNode body = toGemini("""
                {"messages":[{"role":"user","content":[{"type":"image_url",
                  "image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}""");

        assertThat(body.at("/contents/0/parts/0/inlineData/mimeType").asText()).isEqualTo("image/png");
        assertThat(body.at("/contents/0/parts/0/inlineData/data").asText()).isEqualTo("iVBORw0KGgo=");
    }

    @Test
    void sends_audio_and_pdf_parts_as_inline_data() {
        JsonNode body = toGemini("""
                {"messages":[{"role":"user","content":[
                  {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},
                  {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0="}}]}]}""");

        assertThat(body.at("/contents/0/parts/0/inlineData/mimeType").asText()).isEqualTo("audio/wav");
        assertThat(body.at("/contents/0/parts/1/inlineData/mimeType").asText()).isEqualTo("application/pdf");
        assertThat(body.at("/contents/0/parts/1/inlineData/data").asText()).isEqualTo("JVBERi0=");
    }

    @Test
    void rejects_content_parts_gemini_cannot_take() {
        assertThatThrownBy(() -> toGemini("""
                {"messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}]}"""))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.param()).isEqualTo("messages[0].content[0].file"));
        assertThatThrownBy(() -> toGemini("""
                {"messages":[{"role":"user","content":[{"type":"video_url","video_url":{}}]}]}"""))
                .isInstanceOf(GatewayException.class);
    }

    @Test
    void maps_sampling_limits_and_stop_sequences_to_generation_config() {
        JsonNode config = toGemini("""
                {"messages":[{"role":"user","content":"hi"}],"temperature":0.7,"top_p":0.5,"max_tokens":100,
                 "stop":"###","n":3,"seed":42,"presence_penalty":0.5,"frequency_penalty":-0.5,"top_k":40}""")
                .get("generationConfig");

        assertThat(config).isEqualTo(Json.tree("""
                {"temperature":0.7,"topP":0.5,"topK":40,"maxOutputTokens":100,"stopSequences":["###"],
                 "candidateCount":3,"seed":42,"presencePenalty":0.5,"frequencyPenalty":-0.5}""".getBytes()));
    }

    @Test
    void prefers_max_completion_tokens_over_max_tokens() {
        JsonNode body = toGemini("""
                {"messages":[{"role":"user","content":"hi"}],"max_tokens":100,"max_completion_tokens":200}""");

        assertThat(body.at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(200);
    }

    @Test
    void omits_generation_config_when_nothing_is_set() {
        assertThat(toGemini("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").has("generationConfig"))
                .isFalse();
    }

    @Test
    void asks_for_json_for_json_object_and_passes_the_schema_for_json_schema() {
        JsonNode object = toGemini("""
                {"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}}""");
        JsonNode schema = toGemini("""
                {"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema",
                 "json_schema":{"name":"n","schema":{"type":"object","properties":{"a":{"type":"integer"}}}}}}""");
        JsonNode text = toGemini("""
                {"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"text"}}""");

        assertThat(object.at("/generationConfig/responseMimeType").asText()).isEqualTo("application/json");
        assertThat(object.at("/generationConfig/responseJsonSchema").isMissingNode()).isTrue();
        assertThat(schema.at("/generationConfig/responseMimeType").asText()).isEqualTo("application/json");
        assertThat(schema.at("/generationConfig/responseJsonSchema/properties/a/type").asText()).isEqualTo("integer");
        assertThat(text.has("generationConfig")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"low, 1024", "minimal, 1024", "medium, 8192", "high, 24576", "xhigh, 24576"})
    void turns_reasoning_effort_into_a_thinking_budget_that_returns_thoughts(String effort, int budget) {
        JsonNode thinking = toGemini("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"reasoning_effort\":\""
                + effort + "\"}").at("/generationConfig/thinkingConfig");

        assertThat(thinking.get("thinkingBudget").asInt()).isEqualTo(budget);
        assertThat(thinking.get("includeThoughts").asBoolean()).isTrue();
    }

    @Test
    void turns_reasoning_effort_none_into_a_zero_budget_and_rejects_unknown_efforts() {
        JsonNode thinking = toGemini("""
                {"messages":[{"role":"user","content":"hi"}],"reasoning_effort":"none"}""")
                .at("/generationConfig/thinkingConfig");

        assertThat(thinking).isEqualTo(Json.tree("{\"thinkingBudget\":0}".getBytes()));
        assertThatThrownBy(() -> toGemini("""
                {"messages":[{"role":"user","content":"hi"}],"reasoning_effort":"extreme"}"""))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.param()).isEqualTo("reasoning_effort"));
    }

    @Test
    void declares_tools_with_their_json_schema_as_parameters_json_schema() {
        JsonNode body = toGemini("""
                {"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{
                  "name":"lookup","description":"Find a thing",
                  "parameters":{"type":"object","properties":{"q":{"type":["string","null"]}},"required":["q"]}}},
                  {"type":"function","function":{"name":"ping"}}]}""");

        JsonNode declarations = body.at("/tools/0/functionDeclarations");
        assertThat(body.get("tools")).hasSize(1);
        assertThat(declarations.at("/0/name").asText()).isEqualTo("lookup");
        assertThat(declarations.at("/0/description").asText()).isEqualTo("Find a thing");
        assertThat(declarations.at("/0/parametersJsonSchema/properties/q/type/0").asText()).isEqualTo("string");
        assertThat(declarations.get(1)).isEqualTo(Json.tree("{\"name\":\"ping\"}".getBytes()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"auto\"                                         | {\"mode\":\"AUTO\"}",
            "\"none\"                                         | {\"mode\":\"NONE\"}",
            "\"required\"                                     | {\"mode\":\"ANY\"}",
            "{\"type\":\"function\",\"function\":{\"name\":\"f\"}} | {\"mode\":\"ANY\",\"allowedFunctionNames\":[\"f\"]}"})
    void maps_tool_choice_to_the_function_calling_mode(String toolChoice, String expected) {
        JsonNode body = toGemini("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"type\":"
                + "\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":" + toolChoice + "}");

        assertThat(body.at("/toolConfig/functionCallingConfig")).isEqualTo(Json.tree(expected.getBytes()));
    }

    @Test
    void reports_every_parameter_gemini_cannot_honour_once() {
        List<Warning> warnings = new ArrayList<>();
        toGemini("""
                {"messages":[{"role":"user","name":"ann","content":[
                   {"type":"image_url","image_url":{"url":"https://x/a.png","detail":"high"}},
                   {"type":"image_url","image_url":{"url":"https://x/b.png","detail":"low"}}]},
                  {"role":"user","name":"bob","content":"hi"}],
                 "user":"u-1","logprobs":true,"top_logprobs":3,"logit_bias":{"50256":-100},"parallel_tool_calls":false,
                 "tools":[{"type":"function","function":{"name":"f","strict":true}}],"top_k":5}""", warnings);

        assertThat(warnings).extracting(Warning::param).containsExactlyInAnyOrder(
                "user", "logprobs", "top_logprobs", "logit_bias", "parallel_tool_calls", "messages[].name",
                "image_url.detail", "tools[].function.strict");
        assertThat(warnings).allSatisfy(w -> assertThat(w.type()).isEqualTo("unsupported_parameter"));
    }

    @Test
    void keeps_the_low_bits_of_a_64_bit_seed_and_says_so() {
        List<Warning> warnings = new ArrayList<>();
        JsonNode body = toGemini("""
                {"messages":[{"role":"user","content":"hi"}],"seed":4294967298}""", warnings);

        assertThat(body.at("/generationConfig/seed").asInt()).isEqualTo(2);
        assertThat(warnings).extracting(Warning::type).containsExactly("adjusted_parameter");
    }

    // ---- response ----

    @Test
    void reads_text_thoughts_and_a_function_call_from_a_whole_answer() {
        ChatCompletion completion = format.toCompletion(fixture("response_text_tool_thought.json")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(completion.id()).isEqualTo("chatcmpl-7fZBaK-4Ie6mz7IPk5mHyQ4");
        assertThat(completion.object()).isEqualTo("chat.completion");
        assertThat(completion.created()).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset
                .offset(5L));
        assertThat(completion.model()).isEqualTo("gemini-2.5-flash");
        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertThat(choice.index()).isZero();
        assertThat(choice.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(choice.message().role()).isEqualTo("assistant");
        assertThat(choice.message().text()).isEqualTo("Let me look that up.");
        assertThat(choice.message().reasoningContent()).startsWith("**Checking the forecast**");
        ToolCall call = choice.message().toolCalls().getFirst();
        assertThat(call.id()).startsWith("call_");
        assertThat(call.type()).isEqualTo("function");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(Json.tree(call.function().arguments().getBytes()))
                .isEqualTo(Json.tree("{\"city\":\"Paris\",\"unit\":\"celsius\"}".getBytes()));
        assertThat(completion.usage()).isEqualTo(Usage.of(1200, 147, 1024, null, 116));
    }

    @Test
    void gives_each_function_call_in_an_answer_its_own_id() {
        ChatCompletion completion = format.toCompletion("""
                {"candidates":[{"content":{"role":"model","parts":[
                  {"functionCall":{"name":"a","args":{}}},{"functionCall":{"name":"b"}},
                  {"functionCall":{"id":"given-1","name":"c","args":{"x":1}}}]},"finishReason":"STOP"}]}"""
                .getBytes());

        List<ToolCall> calls = completion.choices().getFirst().message().toolCalls();
        assertThat(calls).extracting(ToolCall::id).doesNotHaveDuplicates();
        assertThat(calls.get(1).function().arguments()).isEqualTo("{}");
        assertThat(calls.get(2).id()).isEqualTo("given-1");
        assertThat(completion.choices().getFirst().message().content()).isNull();
    }

    @Test
    void reads_a_prompt_blocked_before_generation_as_an_empty_content_filter_answer() {
        ChatCompletion completion = format.toCompletion(fixture("response_blocked_prompt.json")
                .getBytes(StandardCharsets.UTF_8));

        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(choice.message().content().text()).isEmpty();
        assertThat(completion.usage()).isEqualTo(Usage.of(9, 0, null, null, null));
    }

    @Test
    void reads_every_candidate_as_a_choice_at_its_index() {
        ChatCompletion completion = format.toCompletion("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"A"}]},"finishReason":"STOP"},
                  {"content":{"role":"model","parts":[{"text":"B"}]},"finishReason":"MAX_TOKENS","index":1}]}"""
                .getBytes());

        assertThat(completion.choices()).extracting(ChatCompletion.Choice::index).containsExactly(0, 1);
        assertThat(completion.choices().get(1).message().text()).isEqualTo("B");
        assertThat(completion.choices().get(1).finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @ParameterizedTest
    @CsvSource({
            "STOP, false, stop",
            "STOP, true, tool_calls",
            "MAX_TOKENS, false, length",
            "MAX_TOKENS, true, length",
            "SAFETY, false, content_filter",
            "RECITATION, false, content_filter",
            "BLOCKLIST, false, content_filter",
            "PROHIBITED_CONTENT, false, content_filter",
            "SPII, false, content_filter",
            "IMAGE_SAFETY, false, content_filter",
            "LANGUAGE, false, stop",
            "OTHER, false, stop",
            "MALFORMED_FUNCTION_CALL, false, stop",
            "FINISH_REASON_UNSPECIFIED, false, stop",
            "SOMETHING_NEW_FROM_GOOGLE, false, stop"})
    void maps_gemini_finish_reasons_to_openai_ones(String gemini, boolean toolCalls, String openai) {
        assertThat(GeminiResponseMapper.toFinishReason(GeminiFinishReason.parse(gemini), toolCalls))
                .isEqualTo(openai);
    }

    @Test
    void counts_thoughts_as_completion_and_reasoning_tokens_and_cached_tokens_inside_the_prompt() {
        Usage usage = GeminiResponseMapper.toUsage(new GeminiWire.UsageMetadata(100, 60, 20, null, 30, 150));

        assertThat(usage.promptTokens()).isEqualTo(100);
        assertThat(usage.completionTokens()).isEqualTo(50);
        assertThat(usage.totalTokens()).isEqualTo(150);
        assertThat(usage.promptTokensDetails().cachedTokens()).isEqualTo(60);
        assertThat(usage.promptTokensDetails().cacheWriteTokens()).isNull();
        assertThat(usage.completionTokensDetails().reasoningTokens()).isEqualTo(30);
    }

    @Test
    void counts_tool_use_prompt_tokens_as_input() {
        Usage usage = GeminiResponseMapper.toUsage(new GeminiWire.UsageMetadata(10, null, 5, 40, null, 55));

        assertThat(usage.promptTokens()).isEqualTo(50);
        assertThat(usage.totalTokens()).isEqualTo(55);
        assertThat(usage.promptTokensDetails()).isNull();
        assertThat(usage.completionTokensDetails()).isNull();
    }

    @Test
    void finds_the_message_in_error_bodies_and_returns_null_for_anything_else() {
        assertThat(format.errorMessage(fixture("error_rate_limited.json").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("You exceeded your current quota, please check your plan and billing details.");
        assertThat(format.errorMessage("[{\"error\":{\"code\":400,\"message\":\"bad\",\"status\":\"INVALID_ARGUMENT\"}}]"
                .getBytes())).isEqualTo("bad");
        assertThat(format.errorMessage("<html>502 Bad Gateway</html>".getBytes())).isNull();
        assertThat(format.errorMessage("{\"message\":\"other shape\"}".getBytes())).isNull();
        assertThat(format.errorMessage(new byte[0])).isNull();
    }

    // ---- helpers ----

    private JsonNode toGemini(String openAiRequest) {
        return toGemini(openAiRequest, new ArrayList<>());
    }

    private JsonNode toGemini(String openAiRequest, List<Warning> warnings) {
        UpstreamRequest upstream = format.toUpstream(request(openAiRequest), "gemini-2.5-flash", warnings);
        return Json.tree(upstream.body());
    }

    private static ChatRequest request(String json) {
        return Json.read(json, ChatRequest.class);
    }

    /** A user question, one assistant call to get_weather with {@code args}, and its {@code result}. */
    private static String toolConversation(String args, String result) {
        return """
                {"messages":[{"role":"user","content":"Weather?"},
                  {"role":"assistant","tool_calls":[{"id":"call_1","type":"function",
                    "function":{"name":"get_weather","arguments":"%s"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"%s"}]}""".formatted(args, result);
    }

    static String fixture(String name) {
        try (InputStream in = GeminiMapperTest.class.getResourceAsStream("/fixtures/gemini/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
