package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.RecordedRequest;
import dev.caravan.simulator.Reply;
import dev.caravan.simulator.ToolCallSpec;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenAI-shaped requests served by Anthropic and Gemini, through real HTTP: what reaches the provider is its own wire
 * format, and what comes back is OpenAI's, tools, images, JSON output, usage and finish reasons included.
 */
class CrossFormatTest extends GatewayTestBase {

    private static final String TOOL_TURN = """
            {"model":"%s","messages":[
              {"role":"system","content":"You are terse."},
              {"role":"user","content":[{"type":"text","text":"What is in this picture, and the weather there?"},
                {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"{\\"celsius\\":21}"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather in a city",
               "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
             "tool_choice":"auto","max_tokens":300}""";

    @Test
    void sends_anthropic_its_own_wire_format_with_the_provider_key() throws Exception {
        SIMULATOR.enqueue(Reply.text("A tower; 21 degrees."));

        HttpResponse<String> response = chat(TOOL_TURN.formatted("anthropic/claude-sonnet-4.6"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("A tower; 21 degrees.");
        RecordedRequest upstream = SIMULATOR.lastRequest();
        assertThat(upstream.path()).isEqualTo("/v1/messages");
        assertThat(upstream.header("x-api-key")).isEqualTo(ANTHROPIC_KEY);
        assertThat(upstream.header("anthropic-version")).isNotBlank();
        assertThat(upstream.header("authorization")).isNull();
        JsonNode body = json(upstream.body());
        assertThat(body.path("model").asText()).isEqualTo("claude-sonnet-4-6");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(300);
        assertThat(body.path("system").toString()).contains("You are terse.");
        assertThat(body.at("/tools/0/input_schema/properties/city/type").asText()).isEqualTo("string");
        JsonNode messages = body.path("messages");
        assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "user");
        assertThat(messages.get(0).toString()).contains("\"type\":\"image\"").contains("\"media_type\":\"image/png\"");
        assertThat(messages.get(1).at("/content/0/type").asText()).isEqualTo("tool_use");
        assertThat(messages.get(1).at("/content/0/input/city").asText()).isEqualTo("Paris");
        assertThat(messages.get(2).at("/content/0/type").asText()).isEqualTo("tool_result");
        assertThat(messages.get(2).at("/content/0/tool_use_id").asText()).isEqualTo("call_1");
    }

    @Test
    void sends_gemini_its_own_wire_format_with_the_model_in_the_url() throws Exception {
        SIMULATOR.enqueue(Reply.text("A tower; 21 degrees.").chunks(2));

        HttpResponse<String> response = chat(TOOL_TURN.formatted("google/gemini-2.5-flash")
                .replace("\"max_tokens\":300", "\"max_tokens\":300,\"stream\":true"));

        assertThat(SseEvents.text(SseEvents.chunks(response.body()))).isEqualTo("A tower; 21 degrees.");
        RecordedRequest upstream = SIMULATOR.lastRequest();
        assertThat(upstream.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(upstream.query()).isEqualTo("alt=sse");
        assertThat(upstream.header("x-goog-api-key")).isEqualTo(GOOGLE_KEY);
        JsonNode body = json(upstream.body());
        assertThat(body.at("/systemInstruction/parts/0/text").asText()).isEqualTo("You are terse.");
        assertThat(body.at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(300);
        assertThat(body.at("/tools/0/functionDeclarations/0/name").asText()).isEqualTo("get_weather");
        JsonNode contents = body.path("contents");
        assertThat(contents.findValuesAsText("role")).containsExactly("user", "model", "user");
        assertThat(contents.get(0).toString()).contains("inlineData").contains("image/png");
        assertThat(contents.get(1).at("/parts/0/functionCall/name").asText()).isEqualTo("get_weather");
        assertThat(contents.get(2).at("/parts/0/functionResponse/name").asText()).isEqualTo("get_weather");
        assertThat(contents.get(2).at("/parts/0/functionResponse/response/celsius").asInt()).isEqualTo(21);
    }

    @Test
    void returns_a_json_schema_answer_from_every_format_as_message_content() throws Exception {
        String request = """
                {"model":"%s","messages":[{"role":"user","content":"Capital of France as JSON"}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"capital","strict":true,
                   "schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}}""";
        for (String model : List.of("openai/gpt-5-mini", "anthropic/claude-sonnet-4.6", "google/gemini-2.5-flash")) {
            SIMULATOR.enqueue(model.startsWith("anthropic")
                    // Anthropic is asked to call a tool named after the schema; the gateway reads its input back
                    ? Reply.toolCalls(ToolCallSpec.of("caravan_output_capital", "{\"city\":\"Paris\"}"))
                    : Reply.text("{\"city\":\"Paris\"}"));

            JsonNode body = json(chat(request.formatted(model)).body());

            assertThat(body.at("/choices/0/message/content").asText()).as(model).isEqualTo("{\"city\":\"Paris\"}");
            assertThat(body.at("/choices/0/finish_reason").asText()).as(model).isEqualTo("stop");
        }
        // what each provider was asked: its own way of constraining output to the schema
        List<RecordedRequest> upstream = SIMULATOR.requests();
        assertThat(json(upstream.get(0).body()).at("/response_format/json_schema/name").asText()).isEqualTo("capital");
        assertThat(json(upstream.get(1).body()).at("/tool_choice/name").asText())
                .isEqualTo("caravan_output_capital");
        assertThat(json(upstream.get(2).body()).at("/generationConfig/responseMimeType").asText())
                .isEqualTo("application/json");
    }

    @Test
    void reports_cached_and_cache_write_tokens_from_anthropic_in_openai_usage() throws Exception {
        SIMULATOR.enqueue(Reply.text("ok").usage(100, 20).cachedTokens(60).cacheWriteTokens(30));

        HttpResponse<String> response = chat(simpleRequest("anthropic/claude-sonnet-4.6", false));
        JsonNode usage = json(response.body()).path("usage");
        assertThat(response.headers().firstValue("x-caravan-cost")).hasValue("0.0004605");

        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(100);
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(20);
        assertThat(usage.path("total_tokens").asInt()).isEqualTo(120);
        assertThat(usage.at("/prompt_tokens_details/cached_tokens").asInt()).isEqualTo(60);
        assertThat(usage.at("/prompt_tokens_details/cache_write_tokens").asInt()).isEqualTo(30);
        // catalog prices 3 / 15 / 0.30 / 3.75 USD per million: 10×3 + 60×0.30 + 30×3.75 + 20×15 = 460.5 µUSD
        assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo("0.0004605");
    }

    @Test
    void prices_a_streamed_request_in_its_final_usage_chunk() throws Exception {
        SIMULATOR.enqueue(Reply.text("one two").chunks(2).usage(1000, 500));

        HttpResponse<String> response = chat("""
                {"model":"openai/gpt-5-mini","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"hi"}]}""");

        // gpt-5-mini: 0.25 in, 2.00 out per million → 1000×0.25 + 500×2 = 1250 µUSD
        JsonNode last = SseEvents.chunks(response.body()).getLast();
        assertThat(last.at("/usage/cost").decimalValue()).isEqualByComparingTo("0.00125");
    }

    @Test
    void reports_reasoning_tokens_and_text_from_gemini() throws Exception {
        SIMULATOR.enqueue(Reply.text("42").withReasoning("Six times seven.").usage(10, 30).reasoningTokens(25));

        JsonNode body = json(chat("""
                {"model":"google/gemini-2.5-pro","reasoning_effort":"high",
                 "messages":[{"role":"user","content":"6*7?"}]}""").body());

        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("42");
        assertThat(body.at("/choices/0/message/reasoning_content").asText()).isEqualTo("Six times seven.");
        assertThat(body.at("/usage/completion_tokens_details/reasoning_tokens").asInt()).isEqualTo(25);
        assertThat(json(SIMULATOR.lastRequest().body()).at("/generationConfig/thinkingConfig").isObject()).isTrue();
    }

    @Test
    void maps_a_length_stop_to_openai_finish_reason_length() throws Exception {
        for (String model : List.of("anthropic/claude-haiku-4.5", "google/gemini-2.5-flash")) {
            SIMULATOR.enqueue(Reply.text("cut sh").finishReason("length"));
            JsonNode body = json(chat(simpleRequest(model, false)).body());
            assertThat(body.at("/choices/0/finish_reason").asText()).as(model).isEqualTo("length");
        }
    }

    @Test
    void warns_about_parameters_the_provider_cannot_honour_instead_of_dropping_them() throws Exception {
        SIMULATOR.enqueue(Reply.text("ok"));

        JsonNode body = json(chat("""
                {"model":"anthropic/claude-haiku-4.5","logprobs":true,"seed":7,
                 "messages":[{"role":"user","content":"hi"}]}""").body());

        assertThat(body.path("warnings").findValuesAsText("param")).contains("logprobs", "seed");
    }

    @Test
    void streams_warnings_on_the_first_chunk() throws Exception {
        SIMULATOR.enqueue(Reply.text("ok"));

        HttpResponse<String> response = chat("""
                {"model":"google/gemini-2.5-flash","stream":true,"logprobs":true,
                 "messages":[{"role":"user","content":"hi"}]}""");

        JsonNode first = SseEvents.chunks(response.body()).getFirst();
        assertThat(first.path("warnings").findValuesAsText("param")).contains("logprobs");
    }
}
