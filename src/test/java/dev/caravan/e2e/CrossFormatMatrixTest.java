package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.e2e.MatrixApi.Call;
import dev.caravan.e2e.MatrixApi.Turn;
import dev.caravan.simulator.RecordedRequest;
import dev.caravan.simulator.Reply;
import dev.caravan.simulator.ToolCallSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;

import static dev.caravan.e2e.MatrixApi.DESCRIPTION;
import static dev.caravan.e2e.MatrixApi.QUESTION;
import static dev.caravan.e2e.MatrixApi.RESULT;
import static dev.caravan.e2e.MatrixApi.SCHEMA;
import static dev.caravan.e2e.MatrixApi.SYSTEM;
import static dev.caravan.e2e.MatrixApi.TOOL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every inbound API (Chat Completions, Messages, Responses) × every provider wire format (OpenAI, Anthropic,
 * Gemini), streamed and not, over real sockets: a two-turn tool round trip in raw JSON. Turn one asks a question with
 * one function tool and the simulator answers with a line of text and a call; turn two sends both and the call's
 * result back and the simulator answers text. Each case checks what the client got in its API's shape ({@link MatrixApi}) and what the
 * provider got in its own ({@link Target}).
 *
 * <pre>
 *              OpenAI (tool_calls / tool)   Anthropic (tool_use / tool_result)   Gemini (functionCall / -Response)
 * Chat         whole, streamed              whole, streamed                      whole, streamed
 * Messages     whole, streamed              whole, streamed                      whole, streamed
 * Responses    whole, streamed              whole, streamed                      whole, streamed
 * </pre>
 */
class CrossFormatMatrixTest extends GatewayTestBase {

    /** Escapes and non-ASCII on purpose: arguments cross string (OpenAI) and object (Anthropic, Gemini) forms. */
    private static final String ARGUMENTS = "{\"city\":\"Zürich \\\"Kreis 1\\\"\",\"days\":3}";
    /** Models often say something before they call a tool; the text travels back beside the call. */
    private static final String PREAMBLE = "Let me check.";
    private static final String ANSWER = "Clear and 21 degrees in Zürich.";

    /**
     * One provider wire format: the model that routes to it, the call id its simulator answers with (Gemini's
     * calls carry none, so the gateway makes one), and how its requests must look.
     */
    enum Target {
        OPENAI("openai/gpt-5-mini", "call_M4tr1xOpenAi") {
            @Override
            void assertEndpoint(RecordedRequest request, boolean stream) {
                assertThat(request.path()).isEqualTo("/v1/chat/completions");
                JsonNode body = json(request.body());
                assertThat(body.path("model").asText()).isEqualTo("gpt-5-mini");
                assertThat(body.path("stream").asBoolean(false)).isEqualTo(stream);
            }

            @Override
            void assertTools(JsonNode body) {
                assertThat(body.path("tools")).hasSize(1);
                JsonNode tool = body.at("/tools/0");
                assertThat(tool.path("type").asText()).isEqualTo("function");
                assertThat(tool.at("/function/name").asText()).isEqualTo(TOOL);
                assertThat(tool.at("/function/description").asText()).isEqualTo(DESCRIPTION);
                assertThat(tool.at("/function/parameters")).isEqualTo(json(SCHEMA));
            }

            @Override
            void assertQuestion(JsonNode body) {
                JsonNode messages = body.path("messages");
                assertThat(messages.get(0).path("role").asText()).isIn("system", "developer");
                assertThat(text(messages.get(0).path("content"))).isEqualTo(SYSTEM);
                assertThat(messages.get(1).path("role").asText()).isEqualTo("user");
                assertThat(text(messages.get(1).path("content"))).isEqualTo(QUESTION);
            }

            @Override
            void assertCallAndResult(JsonNode body, String callId) {
                JsonNode messages = body.path("messages");
                assertThat(messages).hasSize(4);
                JsonNode assistant = messages.get(2);
                assertThat(assistant.path("role").asText()).isEqualTo("assistant");
                assertThat(text(assistant.path("content"))).isEqualTo(PREAMBLE);
                assertThat(assistant.path("tool_calls")).hasSize(1);
                JsonNode call = assistant.at("/tool_calls/0");
                assertThat(call.path("id").asText()).isEqualTo(callId);
                assertThat(call.path("type").asText()).isEqualTo("function");
                assertThat(call.at("/function/name").asText()).isEqualTo(TOOL);
                assertThat(json(call.at("/function/arguments").asText())).isEqualTo(json(ARGUMENTS));
                JsonNode result = messages.get(3);
                assertThat(result.path("role").asText()).isEqualTo("tool");
                assertThat(result.path("tool_call_id").asText()).isEqualTo(callId);
                assertThat(text(result.path("content"))).isEqualTo(RESULT);
            }
        },

        ANTHROPIC("anthropic/claude-sonnet-4.6", "toolu_01M4tr1xAnthropic") {
            @Override
            void assertEndpoint(RecordedRequest request, boolean stream) {
                assertThat(request.path()).isEqualTo("/v1/messages");
                JsonNode body = json(request.body());
                assertThat(body.path("model").asText()).isEqualTo("claude-sonnet-4-6");
                assertThat(body.path("stream").asBoolean(false)).isEqualTo(stream);
                assertThat(body.path("max_tokens").asInt()).isEqualTo(300);
            }

            @Override
            void assertTools(JsonNode body) {
                assertThat(body.path("tools")).hasSize(1);
                JsonNode tool = body.at("/tools/0");
                assertThat(tool.path("name").asText()).isEqualTo(TOOL);
                assertThat(tool.path("description").asText()).isEqualTo(DESCRIPTION);
                assertThat(tool.path("input_schema")).isEqualTo(json(SCHEMA));
            }

            @Override
            void assertQuestion(JsonNode body) {
                assertThat(text(body.path("system"))).isEqualTo(SYSTEM);
                assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
                assertThat(text(body.at("/messages/0/content"))).isEqualTo(QUESTION);
            }

            @Override
            void assertCallAndResult(JsonNode body, String callId) {
                JsonNode messages = body.path("messages");
                assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "user");
                assertThat(messages.get(1).path("content")).hasSize(2);
                assertThat(messages.get(1).at("/content/0/type").asText()).isEqualTo("text");
                assertThat(messages.get(1).at("/content/0/text").asText()).isEqualTo(PREAMBLE);
                JsonNode use = messages.get(1).at("/content/1");
                assertThat(use.path("type").asText()).isEqualTo("tool_use");
                assertThat(use.path("id").asText()).isEqualTo(callId);
                assertThat(use.path("name").asText()).isEqualTo(TOOL);
                assertThat(use.path("input")).isEqualTo(json(ARGUMENTS));
                assertThat(messages.get(2).path("content")).hasSize(1);
                JsonNode result = messages.get(2).at("/content/0");
                assertThat(result.path("type").asText()).isEqualTo("tool_result");
                assertThat(result.path("tool_use_id").asText()).isEqualTo(callId);
                assertThat(text(result.path("content"))).isEqualTo(RESULT);
            }
        },

        GEMINI("google/gemini-2.5-flash", null) {
            @Override
            void assertEndpoint(RecordedRequest request, boolean stream) {
                // the model and the choice to stream are in the URL, not the body
                assertThat(request.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:"
                        + (stream ? "streamGenerateContent" : "generateContent"));
                assertThat(request.query()).isEqualTo(stream ? "alt=sse" : null);
                assertThat(json(request.body()).at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(300);
            }

            @Override
            void assertTools(JsonNode body) {
                assertThat(body.path("tools")).hasSize(1);
                assertThat(body.at("/tools/0/functionDeclarations")).hasSize(1);
                JsonNode declaration = body.at("/tools/0/functionDeclarations/0");
                assertThat(declaration.path("name").asText()).isEqualTo(TOOL);
                assertThat(declaration.path("description").asText()).isEqualTo(DESCRIPTION);
                assertThat(declaration.path("parametersJsonSchema")).isEqualTo(json(SCHEMA));
            }

            @Override
            void assertQuestion(JsonNode body) {
                assertThat(text(body.at("/systemInstruction/parts"))).isEqualTo(SYSTEM);
                assertThat(body.at("/contents/0/role").asText()).isEqualTo("user");
                assertThat(text(body.at("/contents/0/parts"))).isEqualTo(QUESTION);
            }

            /** Gemini correlates a response with its call by the function's name: the gateway finds it by call id. */
            @Override
            void assertCallAndResult(JsonNode body, String callId) {
                JsonNode contents = body.path("contents");
                assertThat(contents.findValuesAsText("role")).containsExactly("user", "model", "user");
                assertThat(contents.get(1).path("parts")).hasSize(2);
                assertThat(contents.get(1).at("/parts/0/text").asText()).isEqualTo(PREAMBLE);
                JsonNode call = contents.get(1).at("/parts/1/functionCall");
                assertThat(call.path("name").asText()).isEqualTo(TOOL);
                assertThat(call.path("args")).isEqualTo(json(ARGUMENTS));
                assertThat(contents.get(2).path("parts")).hasSize(1);
                JsonNode result = contents.get(2).at("/parts/0/functionResponse");
                assertThat(result.path("name").asText()).isEqualTo(TOOL);
                assertThat(result.path("response")).isEqualTo(json(RESULT));
            }
        };

        final String model;
        /** The id the simulator gives its call, or null for a format whose calls have none. */
        final String callId;

        Target(String model, String callId) {
            this.model = model;
            this.callId = callId;
        }

        /** The provider's path, model and stream flag, wherever this format puts them. */
        abstract void assertEndpoint(RecordedRequest request, boolean stream);

        /** The one function tool, translated into this format's declaration. */
        abstract void assertTools(JsonNode body);

        /** The system prompt and the user's question, in this format's places. */
        abstract void assertQuestion(JsonNode body);

        /** The replayed call and its result, in this format's shape, tied to each other and to the client's id. */
        abstract void assertCallAndResult(JsonNode body, String callId);

        ToolCallSpec call() {
            ToolCallSpec spec = ToolCallSpec.of(TOOL, ARGUMENTS);
            return callId == null ? spec : spec.withId(callId);
        }
    }

    static Stream<Arguments> matrix() {
        return Stream.of(MatrixApi.values()).flatMap(api -> Stream.of(Target.values())
                .flatMap(target -> Stream.of(false, true).map(stream -> Arguments.of(api, target, stream))));
    }

    @ParameterizedTest(name = "{0} to {1}, stream={2}")
    @MethodSource("matrix")
    void round_trips_a_tool_call_and_its_result_through_every_api_and_provider_format(MatrixApi api, Target target,
                                                                                       boolean stream)
            throws Exception {
        // three pieces: streamed arguments arrive as fragments the client must put back together
        SIMULATOR.enqueue(Reply.toolCalls(target.call()).withText(PREAMBLE).chunks(3).usage(40, 12),
                Reply.text(ANSWER).chunks(3).usage(60, 9));

        Turn first = send(api, api.firstTurn(target.model, stream), stream);

        assertThat(first.calls()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo(TOOL);
            assertThat(json(call.arguments())).isEqualTo(json(ARGUMENTS));
            if (target.callId != null) {
                assertThat(call.id()).isEqualTo(target.callId);
            } else {
                assertThat(call.id()).isNotBlank();
            }
        });
        assertThat(first.text()).isEqualTo(PREAMBLE);
        assertThat(first.stop()).isEqualTo(api.toolStop);
        assertThat(first.inputTokens()).isEqualTo(40);
        assertThat(first.outputTokens()).isEqualTo(12);
        RecordedRequest asked = SIMULATOR.requests().getFirst();
        target.assertEndpoint(asked, stream);
        target.assertTools(json(asked.body()));
        target.assertQuestion(json(asked.body()));

        Call call = first.calls().getFirst();
        Turn second = send(api, api.secondTurn(target.model, stream, first), stream);

        assertThat(second.text()).isEqualTo(ANSWER);
        assertThat(second.calls()).isEmpty();
        assertThat(second.stop()).isEqualTo(api.textStop);
        assertThat(second.inputTokens()).isEqualTo(60);
        assertThat(second.outputTokens()).isEqualTo(9);
        List<RecordedRequest> upstream = SIMULATOR.requests();
        assertThat(upstream).as("one provider call per turn").hasSize(2);
        RecordedRequest replayed = upstream.get(1);
        target.assertEndpoint(replayed, stream);
        target.assertTools(json(replayed.body()));
        target.assertQuestion(json(replayed.body()));
        target.assertCallAndResult(json(replayed.body()), call.id());
    }

    private Turn send(MatrixApi api, String body, boolean stream) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(post(api.path, body).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(type ->
                assertThat(type).startsWith(stream ? "text/event-stream" : "application/json"));
        return api.read(response.body(), stream);
    }

    /** The text of a content value: a string, or blocks / parts each with a {@code text}. */
    static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        content.forEach(part -> text.append(part.path("text").asText()));
        return text.toString();
    }
}
