package dev.caravan.stream;

import dev.caravan.accounting.Metering;
import dev.caravan.accounting.RequestMeter;
import dev.caravan.accounting.Served;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.catalog.ModelEntry;
import dev.caravan.format.openai.OpenAiFormat;
import dev.caravan.format.openai.OpenAiSseEncoder;
import dev.caravan.identity.Caller;
import dev.caravan.routing.Attempt;
import dev.caravan.routing.AttemptPlan;
import dev.caravan.routing.GatewayCall;
import dev.caravan.routing.RoutingMetadata;
import dev.caravan.routing.RoutingOptions;
import dev.caravan.usage.UsageRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a provider stream that ends badly reaches the client: never as a stream that looks complete. */
class SseResponseBodyTest {

    private static final String CHUNK = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"%s\"}%s}]}\n\n";

    private final List<UsageRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Metering metering = new Metering(records::add);

    /**
     * The body as the chat API builds it: the request's meter told who serves, and an OpenAI encoder unless the test
     * brings its own.
     */
    private SseResponseBody body(ChunkStream stream, ClientStreamEncoder custom) {
        ChatRequest request = Json.read("{\"model\":\"acme/m\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}", ChatRequest.class);
        GatewayCall call = new GatewayCall(request, RoutingOptions.NONE);
        ModelEntry model = new ModelEntry("acme/m", null, null, null, null, null,
                List.of(new ModelEntry.Offer("alpha", "m", null)));
        Attempt attempt = new Attempt(model, "alpha", "m", OpenAiFormat.NAME);
        AttemptPlan plan = new AttemptPlan(List.of(attempt));
        plan.begin(plan.nextAttempt());
        call.start(attempt);
        RequestMeter meter = metering.open(Caller.ENVIRONMENT);
        meter.served(Served.of(call, plan));
        ClientStreamEncoder encoder = custom != null ? custom : new OpenAiSseEncoder(meter.generationId(),
                call.servingModel(), call.warnings(), RoutingMetadata.of(call, plan), request.includeUsage(),
                meter::cost);
        return new SseResponseBody(stream, encoder, meter, call.provider(), Duration.ofSeconds(5));
    }

    private SseResponseBody body(ChunkStream stream) {
        return body(stream, null);
    }

    private static ChunkStream stream(String sse) {
        return new ChunkStream(new ByteArrayInputStream(sse.getBytes(StandardCharsets.UTF_8)),
                new OpenAiFormat().streamDecoder());
    }

    private static String readAll(SseResponseBody body) throws IOException {
        return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void ends_a_finished_stream_with_done() throws IOException {
        ChunkStream stream = stream(CHUNK.formatted("Hi", "") + CHUNK.formatted("", ",\"finish_reason\":\"stop\"")
                + "data: [DONE]\n\n");
        assertThat(stream.awaitFirst(Duration.ofSeconds(5).toNanos())).isTrue();

        String out = readAll(body(stream));

        assertThat(out).endsWith("data: [DONE]\n\n").doesNotContain("\"error\"");
        // the provider sent no usage: the gateway counted it and says so
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(UsageRecord.Outcome.SUCCESS);
            assertThat(r.finishReason()).isEqualTo("stop");
            assertThat(r.tokensEstimated()).isTrue();
            assertThat(r.outputTokens()).isEqualTo(1L);
            assertThat(r.streamed()).isTrue();
            assertThat(r.id()).startsWith("gen_");
        });
        assertThat(out).contains("\"id\":\"" + records.getFirst().id() + "\"");
    }

    /** The Responses API's encoder writes nothing for the finish reason chunk: it waits for the usage to complete. */
    @Test
    void finishes_a_stream_whose_finish_reason_chunk_the_encoder_writes_nothing_for() throws IOException {
        ChunkStream stream = stream(CHUNK.formatted("Hi", "") + CHUNK.formatted("", ",\"finish_reason\":\"stop\"")
                + "data: [DONE]\n\n");
        assertThat(stream.awaitFirst(Duration.ofSeconds(5).toNanos())).isTrue();
        ClientStreamEncoder textOnly = new ClientStreamEncoder() {
            @Override
            public byte[] encode(dev.caravan.canonical.ChatCompletionChunk chunk) {
                String text = chunk.choices().getFirst().delta().text();
                return text.isEmpty() ? NOTHING : ("text " + text + "\n").getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public byte[] finish() {
                return "finished\n".getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public byte[] error(dev.caravan.error.GatewayException error) {
                return "failed\n".getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public byte[] heartbeat() {
                return NOTHING;
            }
        };

        String out = readAll(body(stream, textOnly));

        assertThat(out).isEqualTo("text Hi\nfinished\n");
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(UsageRecord.Outcome.SUCCESS);
            assertThat(r.finishReason()).isEqualTo("stop");
        });
    }

    @Test
    void accounts_a_stream_the_client_left_as_cancelled_with_the_output_so_far() throws IOException {
        ChunkStream stream = stream(CHUNK.formatted("Hello there", "") + CHUNK.formatted(" friend", "")
                + CHUNK.formatted("", ",\"finish_reason\":\"stop\"") + "data: [DONE]\n\n");
        assertThat(stream.awaitFirst(Duration.ofSeconds(5).toNanos())).isTrue();
        SseResponseBody body = body(stream);

        body.readNBytes(CHUNK.length());
        body.close();
        body.close();

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(UsageRecord.Outcome.CANCELLED);
            assertThat(r.outputTokens()).isPositive();
            assertThat(r.tokensEstimated()).isTrue();
            assertThat(r.ttftMs()).isNotNull();
        });
    }

    @Test
    void ends_a_stream_closed_without_a_finish_reason_with_an_error_and_no_done() throws IOException {
        ChunkStream stream = stream(CHUNK.formatted("Hel", "") + CHUNK.formatted("lo", ""));
        assertThat(stream.awaitFirst(Duration.ofSeconds(5).toNanos())).isTrue();

        String out = readAll(body(stream));

        assertThat(out).doesNotContain("[DONE]");
        assertThat(out.strip().lines().toList().getLast()).contains("\"error\"").contains("alpha: ");
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(UsageRecord.Outcome.ERROR);
            assertThat(r.httpStatus()).isEqualTo(200);
            // "Hel" + "lo" is the one token "Hello", counted as the provider would, not per delta
            assertThat(r.outputTokens()).isEqualTo(1L);
        });
    }

    @Test
    void treats_a_stream_with_no_event_at_all_as_a_failure_before_the_first_byte() {
        ChunkStream stream = stream("{\"not\":\"a stream\"}");

        assertThatThrownBy(() -> stream.awaitFirst(Duration.ofSeconds(5).toNanos())).isInstanceOf(IOException.class);
    }

    @Test
    void waits_past_a_role_only_opening_for_the_first_real_content() throws IOException {
        ChunkStream stream = stream(CHUNK.formatted("", "") + "data: {\"error\":{\"message\":\"overloaded\"}}\n\n");

        // the role-only chunk is no first byte: the error after it still lets another provider take over
        assertThatThrownBy(() -> stream.awaitFirst(Duration.ofSeconds(5).toNanos()))
                .hasMessageContaining("overloaded");
    }
}
