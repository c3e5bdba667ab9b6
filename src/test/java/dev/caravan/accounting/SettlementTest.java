package dev.caravan.accounting;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Usage;
import dev.caravan.catalog.ModelEntry;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.ErrorResponder;
import dev.caravan.error.GatewayException;
import dev.caravan.format.openai.OpenAiFormat;
import dev.caravan.format.openai.OpenAiSseEncoder;
import dev.caravan.routing.Attempt;
import dev.caravan.routing.AttemptPlan;
import dev.caravan.routing.GatewayCall;
import dev.caravan.routing.RoutingOptions;
import dev.caravan.stream.ChunkStream;
import dev.caravan.stream.SseResponseBody;
import dev.caravan.usage.UsageRecord;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request's one exit: a whole answer and an error are settled by the step, a stream only when its body ends,
 * and a request without a meter (a refused explain) leaves no record.
 */
class SettlementTest {

    private static final ModelEntry MODEL = new ModelEntry("acme/m", null, null, null, null, null,
            List.of(new ModelEntry.Offer("alpha", "m", null)));

    private final List<UsageRecord> records = new CopyOnWriteArrayList<>();
    private final Metering metering = new Metering(records::add);
    private final Settlement settlement = new Settlement();

    /** An exchange as the chat route leaves it after a served attempt on alpha. */
    private Exchange served(boolean stream) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        ChatRequest request = Json.read("{\"model\":\"acme/m\",\"stream\":" + stream + ",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"hi\"}]}", ChatRequest.class);
        GatewayCall call = new GatewayCall(request, RoutingOptions.NONE);
        Attempt attempt = new Attempt(MODEL, "alpha", "m", OpenAiFormat.NAME);
        AttemptPlan plan = new AttemptPlan(List.of(attempt));
        plan.begin(plan.nextAttempt());
        call.start(attempt);
        plan.recordSuccess();
        exchange.setProperty(GatewayCall.PROPERTY, call);
        exchange.setProperty(AttemptPlan.PROPERTY, plan);
        metering.open(exchange).served(Served.of(call, plan));
        return exchange;
    }

    private static RequestMeter meter(Exchange exchange) {
        return exchange.getProperty(RequestMeter.PROPERTY, RequestMeter.class);
    }

    @Test
    void settles_a_whole_answer_at_the_step_with_the_headers_every_answer_carries() {
        Exchange exchange = served(false);
        meter(exchange).answered(Usage.of(3, 2, null, null, null), "stop");
        assertThat(records).isEmpty();

        settlement.settle(exchange);

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(UsageRecord.Outcome.SUCCESS);
            assertThat(r.provider()).isEqualTo("alpha");
            assertThat(r.outputTokens()).isEqualTo(2L);
        });
        assertThat(exchange.getMessage().getHeader("x-caravan-generation-id")).isEqualTo(records.getFirst().id());
        assertThat(exchange.getMessage().getHeader("x-caravan-attempts", String.class)).startsWith("alpha;status=200");
    }

    @Test
    void leaves_a_stream_to_settle_when_its_body_ends() throws IOException {
        Exchange exchange = served(true);
        RequestMeter meter = meter(exchange);
        ChunkStream stream = new ChunkStream(new ByteArrayInputStream(("data: {\"id\":\"c\",\"object\":"
                + "\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":"
                + "{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
                .getBytes(StandardCharsets.UTF_8)), new OpenAiFormat().streamDecoder());
        SseResponseBody body = new SseResponseBody(stream, new OpenAiSseEncoder(meter.generationId(), "acme/m",
                List.of(), null, false, meter::cost), meter, "alpha", Duration.ofSeconds(5));
        exchange.getMessage().setBody(body);

        settlement.settle(exchange);
        assertThat(records).isEmpty();
        body.readAllBytes();

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(UsageRecord.Outcome.SUCCESS);
            assertThat(r.streamed()).isTrue();
            assertThat(r.finishReason()).isEqualTo("stop");
        });
    }

    @Test
    void settles_a_failure_as_the_client_was_told_it() {
        Exchange exchange = served(false);
        exchange.setProperty(ErrorResponder.ERROR_PROPERTY,
                new GatewayException(ErrorKind.NO_PROVIDER_AVAILABLE, "No provider could serve 'acme/m'"));

        settlement.settle(exchange);

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(UsageRecord.Outcome.ERROR);
            assertThat(r.httpStatus()).isEqualTo(ErrorKind.NO_PROVIDER_AVAILABLE.status());
            assertThat(r.requestedModel()).isEqualTo("acme/m");
        });
        assertThat(exchange.getMessage().getHeader("x-caravan-generation-id")).isEqualTo(records.getFirst().id());
    }

    @Test
    void writes_no_record_for_a_request_without_a_meter() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(ErrorResponder.ERROR_PROPERTY, GatewayException.modelNotFound("acme/none"));

        settlement.settle(exchange);

        assertThat(records).isEmpty();
        assertThat(exchange.getMessage().getHeaders()).isEmpty();
    }
}
