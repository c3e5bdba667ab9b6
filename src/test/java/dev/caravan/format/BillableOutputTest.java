package dev.caravan.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.format.anthropic.AnthropicFormat;
import dev.caravan.format.gemini.GeminiFormat;
import dev.caravan.format.openai.OpenAiFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a hard budget reserves for output is what each format sends, after its own adjustments: every case builds the
 * upstream body and reads the allowance off it as the provider counts it (Anthropic's max_tokens with thinking inside,
 * Gemini's limit plus its thinking budget per candidate, OpenAI's limit per choice), and the bound must cover it.
 * The figures are the worst cases by hand.
 */
class BillableOutputTest {

    private static final long CAP = 64_000;
    private static final ProviderFormat OPENAI = new OpenAiFormat();
    private static final ProviderFormat ANTHROPIC = new AnthropicFormat();
    private static final ProviderFormat GEMINI = new GeminiFormat();

    static Stream<Arguments> cases() {
        return Stream.of(
                // the probe's case: thinking budget 16,384 + the 1 asked
                Arguments.of(ANTHROPIC, ",\"reasoning_effort\":\"high\",\"max_tokens\":1", 16_385L),
                Arguments.of(ANTHROPIC, ",\"reasoning_effort\":\"low\",\"max_tokens\":5000", 5_000L),
                Arguments.of(ANTHROPIC, ",\"max_tokens\":300", 300L),
                // Anthropic requires max_tokens: defaulted, with the thinking budget on top
                Arguments.of(ANTHROPIC, "", 4_096L),
                Arguments.of(ANTHROPIC, ",\"reasoning_effort\":\"medium\"", 8_192L),
                Arguments.of(GEMINI, ",\"reasoning_effort\":\"high\",\"max_tokens\":1", 24_577L),
                Arguments.of(GEMINI, ",\"reasoning_effort\":\"none\",\"max_tokens\":100,\"n\":2", 200L),
                // no thinking config: the model thinks as it likes, up to the family's ceiling
                Arguments.of(GEMINI, ",\"max_tokens\":100", 100L + 32_768),
                Arguments.of(GEMINI, ",\"reasoning_effort\":\"low\"", CAP + 1_024),
                Arguments.of(OPENAI, ",\"n\":3,\"max_tokens\":2000", 6_000L),
                Arguments.of(OPENAI, ",\"reasoning_effort\":\"high\",\"max_completion_tokens\":10", 10L),
                Arguments.of(OPENAI, "", CAP));
    }

    /** A fallback whose format refuses the request is never sent: it must not refuse the attempts before it. */
    @Test
    void a_request_the_format_cannot_send_bills_nothing_on_it() {
        ChatRequest reservedToolName = request(",\"tools\":[{\"type\":\"function\",\"function\":"
                + "{\"name\":\"caravan_output_x\"}}]");
        ChatRequest unknownEffort = request(",\"reasoning_effort\":\"extreme\"");

        assertThat(ANTHROPIC.billableOutputTokens(reservedToolName, CAP)).isZero();
        assertThat(GEMINI.billableOutputTokens(unknownEffort, CAP)).isZero();
        assertThat(OPENAI.billableOutputTokens(unknownEffort, CAP)).isEqualTo(CAP);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void the_bound_is_the_worst_case_of_the_body_the_format_sends(ProviderFormat format, String fields, long worst) {
        ChatRequest request = request(fields);

        long bound = format.billableOutputTokens(request, CAP);

        assertThat(bound).isEqualTo(worst);
        JsonNode sent = Json.tree(format.toUpstream(request, "m", new ArrayList<>()).body());
        long allowed = allowance(format).applyAsLong(sent);
        if (allowed >= 0) {
            assertThat(bound).isGreaterThanOrEqualTo(allowed);
        }
    }

    /** The output the body lets the provider bill, as that provider counts it; -1 where the body sets no limit. */
    private static ToLongFunction<JsonNode> allowance(ProviderFormat format) {
        return switch (format.name()) {
            case "anthropic" -> body -> body.get("max_tokens").asLong();
            case "gemini" -> body -> {
                JsonNode config = body.path("generationConfig");
                if (!config.has("maxOutputTokens")) {
                    return -1;
                }
                return (config.get("maxOutputTokens").asLong()
                        + Math.max(0, config.path("thinkingConfig").path("thinkingBudget").asLong(0)))
                        * Math.max(1, config.path("candidateCount").asLong(1));
            };
            default -> body -> {
                JsonNode limit = body.hasNonNull("max_completion_tokens") ? body.get("max_completion_tokens")
                        : body.get("max_tokens");
                return limit == null ? -1 : limit.asLong() * Math.max(1, body.path("n").asLong(1));
            };
        };
    }

    private static ChatRequest request(String fields) {
        return Json.read(("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + fields + "}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), ChatRequest.class);
    }
}
