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
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.caravan.e2e.MatrixApi.DESCRIPTION;
import static dev.caravan.e2e.MatrixApi.QUESTION;
import static dev.caravan.e2e.MatrixApi.SCHEMA;
import static dev.caravan.e2e.MatrixApi.SYSTEM;
import static dev.caravan.e2e.MatrixApi.TOOL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every inbound API (Chat Completions, Messages, Responses) × every provider wire format (OpenAI, Anthropic,
 * Gemini), streamed and not, over real sockets: a two-turn tool round trip in raw JSON. Turn one asks a question with
 * one function tool and the simulator answers with a line of text and two parallel calls of it; turn two sends
 * them back with each call's result and the simulator answers text. Each case checks what the client got in its
 * API's shape ({@link MatrixApi}) and what the provider got in its own ({@link Target}).
 *
 * <pre>
 *              OpenAI (tool_calls / tool)   Anthropic (tool_use / tool_result)   Gemini (functionCall / -Response)
 * Chat         whole, streamed              whole, streamed                      whole, streamed
 * Messages     whole, streamed              whole, streamed                      whole, streamed
 * Responses    whole, streamed              whole, streamed                      whole, streamed
 * </pre>
 */
class CrossFormatMatrixTest extends GatewayTestBase {

    /**
     * Two parallel calls of the one tool, each answered by its own result: only the call ids tell the results apart
     * (and, for Gemini, their order). Escapes and non-ASCII on purpose: arguments cross string (OpenAI) and object
     * (Anthropic, Gemini) forms.
     */
    private static final List<String> ARGUMENTS = List.of("{\"city\":\"Zürich \\\"Kreis 1\\\"\",\"days\":3}",
            "{\"city\":\"Paris\",\"days\":1}");
    private static final List<String> RESULTS = List.of("{\"celsius\":21,\"sky\":\"clear\"}",
            "{\"celsius\":17,\"sky\":\"rain\"}");
    /** Models often say something before they call a tool; the text travels back beside the calls. */
    private static final String PREAMBLE = "Let me check.";
    private static final String ANSWER = "Clear and 21 degrees in Zürich.";

    /**
     * One provider wire format: the model that routes to it, the prefix of the call ids its simulator answers with
     * (Gemini's calls carry none, so the gateway makes them), and how its requests must look.
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

            /** One assistant message with the text and both calls, then one tool message per result. */
            @Override
            void assertCallsAndResults(JsonNode body, List<Call> calls) {
                JsonNode messages = body.path("messages");
                assertThat(messages.findValuesAsText("role")).endsWith("user", "assistant", "tool", "tool");
                JsonNode assistant = messages.get(2);
                assertThat(text(assistant.path("content"))).isEqualTo(PREAMBLE);
                assertThat(assistant.path("tool_calls")).hasSize(2);
                for (int i = 0; i < 2; i++) {
                    JsonNode call = assistant.path("tool_calls").get(i);
                    assertThat(call.path("id").asText()).isEqualTo(calls.get(i).id());
                    assertThat(call.path("type").asText()).isEqualTo("function");
                    assertThat(call.at("/function/name").asText()).isEqualTo(TOOL);
                    assertThat(json(call.at("/function/arguments").asText())).isEqualTo(json(ARGUMENTS.get(i)));
                    JsonNode result = messages.get(3 + i);
                    assertThat(result.path("tool_call_id").asText()).isEqualTo(calls.get(i).id());
                    assertThat(text(result.path("content"))).isEqualTo(RESULTS.get(i));
                }
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

            /** One assistant turn of a text block and two tool_use blocks, one user turn of two tool_result blocks. */
            @Override
            void assertCallsAndResults(JsonNode body, List<Call> calls) {
                JsonNode messages = body.path("messages");
                assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "user");
                JsonNode assistant = messages.get(1).path("content");
                assertThat(assistant).hasSize(3);
                assertThat(assistant.at("/0/type").asText()).isEqualTo("text");
                assertThat(assistant.at("/0/text").asText()).isEqualTo(PREAMBLE);
                JsonNode results = messages.get(2).path("content");
                assertThat(results).hasSize(2);
                for (int i = 0; i < 2; i++) {
                    JsonNode use = assistant.get(1 + i);
                    assertThat(use.path("type").asText()).isEqualTo("tool_use");
                    assertThat(use.path("id").asText()).isEqualTo(calls.get(i).id());
                    assertThat(use.path("name").asText()).isEqualTo(TOOL);
                    assertThat(use.path("input")).isEqualTo(json(ARGUMENTS.get(i)));
                    JsonNode result = results.get(i);
                    assertThat(result.path("type").asText()).isEqualTo("tool_result");
                    assertThat(result.path("tool_use_id").asText()).isEqualTo(calls.get(i).id());
                    assertThat(text(result.path("content"))).isEqualTo(RESULTS.get(i));
                }
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

            /**
             * Gemini ties a response to its call by the function's name (the gateway finds it by call id) and, for
             * two calls of one function, by their order: the responses come in one user turn, in the calls' order.
             */
            @Override
            void assertCallsAndResults(JsonNode body, List<Call> calls) {
                JsonNode contents = body.path("contents");
                assertThat(contents.findValuesAsText("role")).containsExactly("user", "model", "user");
                JsonNode model = contents.get(1).path("parts");
                assertThat(model).hasSize(3);
                assertThat(model.at("/0/text").asText()).isEqualTo(PREAMBLE);
                JsonNode results = contents.get(2).path("parts");
                assertThat(results).hasSize(2);
                for (int i = 0; i < 2; i++) {
                    JsonNode call = model.get(1 + i).path("functionCall");
                    assertThat(call.path("name").asText()).isEqualTo(TOOL);
                    assertThat(call.path("args")).isEqualTo(json(ARGUMENTS.get(i)));
                    JsonNode result = results.get(i).path("functionResponse");
                    assertThat(result.path("name").asText()).isEqualTo(TOOL);
                    assertThat(result.path("response")).isEqualTo(json(RESULTS.get(i)));
                }
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

        /** The replayed calls and their results, in this format's shape, tied to each other by the client's ids. */
        abstract void assertCallsAndResults(JsonNode body, List<Call> calls);

        /** The simulator's two calls, with this format's ids ({@code callId} and a number) where it has ids. */
        ToolCallSpec[] calls() {
            return IntStream.range(0, ARGUMENTS.size()).mapToObj(i -> {
                ToolCallSpec spec = ToolCallSpec.of(TOOL, ARGUMENTS.get(i));
                return callId == null ? spec : spec.withId(callId + (i + 1));
            }).toArray(ToolCallSpec[]::new);
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
        SIMULATOR.enqueue(Reply.toolCalls(target.calls()).withText(PREAMBLE).chunks(3).usage(40, 12),
                Reply.text(ANSWER).chunks(3).usage(60, 9));

        Turn first = send(api, target, api.firstTurn(target.model, stream), stream);

        assertThat(first.calls()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            Call call = first.calls().get(i);
            assertThat(call.name()).isEqualTo(TOOL);
            assertThat(json(call.arguments())).isEqualTo(json(ARGUMENTS.get(i)));
            assertThat(call.id()).isNotBlank();
            if (target.callId != null) {
                assertThat(call.id()).as("the provider's own call id").isEqualTo(target.callId + (i + 1));
            }
        }
        // Gemini's calls have no ids: the gateway's own must still tell the two apart
        assertThat(first.calls().get(0).id()).isNotEqualTo(first.calls().get(1).id());
        assertThat(first.text()).isEqualTo(PREAMBLE);
        assertThat(first.stop()).isEqualTo(api.toolStop);
        assertThat(first.inputTokens()).isEqualTo(40);
        assertThat(first.outputTokens()).isEqualTo(12);
        RecordedRequest asked = SIMULATOR.requests().getFirst();
        target.assertEndpoint(asked, stream);
        target.assertTools(json(asked.body()));
        target.assertQuestion(json(asked.body()));

        Turn second = send(api, target, api.secondTurn(target.model, stream, first, RESULTS), stream);

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
        target.assertCallsAndResults(json(replayed.body()), first.calls());
    }

    private Turn send(MatrixApi api, Target target, String body, boolean stream)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(post(api.path, body).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider"))
                .hasValue(target.model.substring(0, target.model.indexOf('/')));
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
