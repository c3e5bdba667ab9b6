package dev.caravan.format.anthropic;

import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.format.ClientBody;
import dev.caravan.format.PassThrough;
import dev.caravan.stream.SseEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Anthropic pass-through as pure functions: what goes upstream (the client's bytes, model and a tier's cap
 * spliced in, the gateway's options out, allowed betas as a header), the output a budget reserves for it, and the
 * events written back (the provider's, only message_start's model renamed).
 */
class MessagesPassThroughTest {

    private static final PassThrough PASS = new AnthropicFormat().passThrough();
    private static final String BODY = "{\"model\":\"claude-sonnet-4-6\", \"max_tokens\":32000,"
            + "\"providerOptions\":{\"gateway\":{\"user\":\"a\"}},"
            + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":31999},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static ClientBody client(String body, List<String> betas) {
        return new ClientBody(AnthropicFormat.NAME, body.getBytes(StandardCharsets.UTF_8), betas, List.of());
    }

    private static String upstream(Integer outputLimit) {
        return new String(PASS.toUpstream(client(BODY, List.of()), "claude-sonnet-4-6-x", outputLimit,
                List.of("providerOptions")).body(), StandardCharsets.UTF_8);
    }

    @Test
    void sends_the_clients_bytes_with_the_provider_model_and_without_the_gateways_options() {
        assertThat(upstream(32000)).isEqualTo("{\"model\":\"claude-sonnet-4-6-x\", \"max_tokens\":32000,"
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":31999},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    @Test
    void sends_a_tiers_cap_in_place_of_the_clients_limit() {
        assertThat(upstream(1000)).contains("\"max_tokens\":1000,").doesNotContain("32000");
        assertThat(upstream(null)).contains("\"max_tokens\":32000,");
    }

    @Test
    void sends_the_allowed_betas_as_one_header() {
        assertThat(PASS.headers(client(BODY, List.of("a-1", "b-2")))).isEqualTo(Map.of("anthropic-beta", "a-1,b-2"));
        assertThat(PASS.headers(client(BODY, List.of()))).isEmpty();
    }

    @Test
    void renames_the_model_of_a_whole_answer_only() {
        String answer = "{\"id\":\"msg_1\",\"model\":\"claude-sonnet-4-6\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"model\"}]}";

        assertThat(new String(PASS.answer(answer.getBytes(StandardCharsets.UTF_8), "anthropic/claude-sonnet-4.6"),
                StandardCharsets.UTF_8)).isEqualTo(answer.replace("\"claude-sonnet-4-6\"",
                "\"anthropic/claude-sonnet-4.6\""));
    }

    @Test
    void writes_the_providers_events_as_they_came_but_for_message_starts_model() {
        MessagesPassThroughEncoder encoder = new MessagesPassThroughEncoder("anthropic/claude-sonnet-4.6");
        ChatCompletionChunk chunk = ChatCompletionChunk.usageOnly("x", 0, "m", null);

        String start = text(encoder.encode(chunk, new SseEvent("message_start",
                "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-sonnet-4-6\"}}")));
        String delta = text(encoder.encode(chunk, new SseEvent("content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\","
                        + "\"signature\":\"EqQB/+==\"}}")));

        assertThat(start).isEqualTo("event: message_start\ndata: {\"type\":\"message_start\",\"message\":"
                + "{\"id\":\"msg_1\",\"model\":\"anthropic/claude-sonnet-4.6\"}}\n\n");
        assertThat(delta).isEqualTo("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQB/+==\"}}\n\n");
        // a further chunk of an event already written, and the stream's end: the provider's message_stop came already
        assertThat(encoder.encode(chunk, null)).isEmpty();
        assertThat(encoder.finish()).isEmpty();
        assertThat(text(encoder.error(new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, "anthropic: cut", null,
                "anthropic", null)))).startsWith("event: error\ndata: {\"type\":\"error\"");
    }

    /** Anthropic stops at max_tokens, thinking included; an interleaved-thinking budget above it is taken instead. */
    @Test
    void reserves_the_bodys_own_limit_or_a_larger_thinking_budget() {
        assertThat(PASS.billableOutputTokens(MessagesApiReader.read(BODY.getBytes(StandardCharsets.UTF_8)).request()))
                .isEqualTo(32000);
        String interleaved = BODY.replace("\"max_tokens\":32000", "\"max_tokens\":1000");
        assertThat(PASS.billableOutputTokens(MessagesApiReader.read(interleaved.getBytes(StandardCharsets.UTF_8))
                .request())).isEqualTo(31999);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
