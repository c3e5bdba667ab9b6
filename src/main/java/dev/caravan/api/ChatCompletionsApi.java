package dev.caravan.api;

import dev.caravan.accounting.RequestMeter;
import dev.caravan.accounting.Served;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.format.openai.ChatRequestReader;
import dev.caravan.format.openai.OpenAiSseEncoder;
import dev.caravan.routing.AttemptPlan;
import dev.caravan.routing.GatewayCall;
import dev.caravan.routing.RoutingMetadata;
import dev.caravan.stream.ChunkStream;
import dev.caravan.stream.SseResponseBody;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The OpenAI-compatible {@code /v1/chat/completions} API, as the API route calls it: {@link #accept} reads and
 * checks the request and its routing options, {@link #respond} writes the provider's answer back in OpenAI's wire format.
 */
@Component("chatCompletionsApi")
public class ChatCompletionsApi {

    private final Intake intake;
    private final Duration heartbeat;

    public ChatCompletionsApi(Intake intake, ApiProperties properties) {
        this.intake = intake;
        this.heartbeat = properties.streamHeartbeat();
    }

    /**
     * Reads and checks the request and keeps it as the exchange's {@link GatewayCall}. {@code /v1/routing/explain}
     * reads requests the same way but is no generation: it has no meter ({@code meterRequest}), and so a refused
     * explain leaves no usage record.
     */
    public void accept(Exchange exchange) {
        Message in = exchange.getMessage();
        intake.route(exchange, ChatRequestReader.read(intake.jsonBody(in), intake.maxRequestBytes()));
    }

    /**
     * Writes the serving provider's answer in OpenAI's format and reports it to the request's meter; the route's
     * {@code settleRequest} step after this one settles it (a stream, when it ends) and adds the headers every
     * answer carries.
     */
    public void respond(Exchange exchange) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        AttemptPlan plan = exchange.getProperty(AttemptPlan.PROPERTY, AttemptPlan.class);
        RequestMeter meter = exchange.getProperty(RequestMeter.PROPERTY, RequestMeter.class);
        meter.served(Served.of(call, plan));
        Message out = exchange.getMessage();
        Object answer = out.getBody();
        out.removeHeaders("*");
        out.setHeader("x-caravan-provider", call.provider());
        out.setHeader("x-caravan-model", call.servingModel());
        if (answer instanceof ChunkStream stream) {
            out.setHeader(Exchange.CONTENT_TYPE, "text/event-stream");
            out.setHeader("Cache-Control", "no-cache");
            // proxies in front of the gateway must not buffer the stream either
            out.setHeader("X-Accel-Buffering", "no");
            OpenAiSseEncoder encoder = new OpenAiSseEncoder(meter.generationId(), call.servingModel(),
                    call.warnings(), RoutingMetadata.of(call, plan), call.request().includeUsage(), meter::cost);
            out.setBody(new SseResponseBody(stream, encoder, meter, call.provider(), heartbeat));
        } else if (answer instanceof ChatCompletion completion) {
            out.setHeader(Exchange.CONTENT_TYPE, "application/json");
            if (completion.usage() == null && completion.choices() != null) {
                // no usage from the provider: the meter counts the answer itself (and marks it estimated)
                completion.choices().forEach(choice -> meter.output(choice.message()));
            }
            BigDecimal cost = meter.answered(completion.usage(), finishReason(completion));
            if (cost != null) {
                out.setHeader("x-caravan-cost", cost.toPlainString());
            }
            if (cost != null && completion.usage() != null) {
                completion = completion.withUsage(completion.usage().withCost(cost));
            }
            out.setBody(Json.write(completion.renamed(meter.generationId(), call.servingModel())
                    .withWarnings(Warning.merge(completion.warnings(), call.warnings()))
                    .withExtra(OpenAiSseEncoder.METADATA_FIELD, RoutingMetadata.of(call, plan))));
        } else {
            throw new IllegalStateException("provider route returned " + answer);
        }
    }

    /** The first choice's finish reason, which the meter records; the Messages API answers the same way. */
    static String finishReason(ChatCompletion completion) {
        return completion.choices() == null || completion.choices().isEmpty() ? null
                : completion.choices().get(0).finishReason();
    }
}
