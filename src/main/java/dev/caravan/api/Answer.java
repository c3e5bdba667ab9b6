package dev.caravan.api;

import dev.caravan.accounting.RequestMeter;
import dev.caravan.accounting.Served;
import dev.caravan.cache.ResponseCache;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.Warning;
import dev.caravan.format.VerbatimAnswer;
import dev.caravan.routing.AttemptPlan;
import dev.caravan.routing.GatewayCall;
import dev.caravan.stream.ChunkStream;
import dev.caravan.stream.ClientStreamEncoder;
import dev.caravan.stream.SseResponseBody;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The provider's answer as every inbound API's respond step takes it: the serving attempt reported to the meter,
 * the provider's headers replaced by the gateway's, and then either a stream written event by event through the
 * API's encoder or a whole answer metered and priced. Each API only chooses how the answer is written; the route's
 * {@code settleRequest} step after it settles the accounting (a stream's when it ends).
 */
final class Answer {

    private final GatewayCall call;
    private final AttemptPlan plan;
    private final RequestMeter meter;
    private final Message out;
    private final Object body;

    private Answer(GatewayCall call, AttemptPlan plan, RequestMeter meter, Message out) {
        this.call = call;
        this.plan = plan;
        this.meter = meter;
        this.out = out;
        this.body = out.getBody();
    }

    static Answer of(Exchange exchange) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        AttemptPlan plan = AttemptPlan.of(exchange);
        RequestMeter meter = exchange.getProperty(RequestMeter.PROPERTY, RequestMeter.class);
        meter.served(Served.of(call, plan));
        Answer answer = new Answer(call, plan, meter, exchange.getMessage());
        answer.out.removeHeaders("*");
        answer.out.setHeader("x-caravan-provider", call.provider());
        answer.out.setHeader("x-caravan-model", call.servingModel());
        String cache = ResponseCache.status(exchange, call);
        if (cache != null) {
            answer.out.setHeader(ResponseCache.HEADER, cache);
        }
        return answer;
    }

    GatewayCall call() {
        return call;
    }

    AttemptPlan plan() {
        return plan;
    }

    RequestMeter meter() {
        return meter;
    }

    boolean streamed() {
        return body instanceof ChunkStream;
    }

    /** The provider's stream keeps its events, to be written to the client as they are (a pass-through). */
    boolean streamKeepsEvents() {
        return body instanceof ChunkStream stream && stream.passesThrough();
    }

    /** The provider's whole answer as it sent it, when the request was passed through; else null. */
    byte[] verbatimBody() {
        return body instanceof VerbatimAnswer verbatim ? verbatim.body() : null;
    }

    /** Answers with the provider's stream, written by {@code encoder} as it arrives. */
    void stream(ClientStreamEncoder encoder, Duration heartbeat) {
        out.setHeader(Exchange.CONTENT_TYPE, "text/event-stream");
        out.setHeader("Cache-Control", "no-cache");
        // proxies in front of the gateway must not buffer the stream either
        out.setHeader("X-Accel-Buffering", "no");
        out.setBody(new SseResponseBody((ChunkStream) body, encoder, meter, call.provider(), heartbeat));
    }

    /**
     * The whole answer, metered (counted here when the provider gave no usage, and marked estimated), its cost in
     * {@code x-caravan-cost} and in its usage, renamed to the generation id and the serving model, with the
     * gateway's warnings after the provider's.
     */
    ChatCompletion completion() {
        ChatCompletion completion = body instanceof VerbatimAnswer verbatim ? verbatim.completion()
                : body instanceof ChatCompletion read ? read : null;
        if (completion == null) {
            throw new IllegalStateException("provider route returned " + body);
        }
        if (completion.usage() == null && completion.choices() != null) {
            completion.choices().forEach(choice -> meter.output(choice.message()));
        } else if (meter.keepsBodies() && completion.choices() != null) {
            completion.choices().forEach(choice -> meter.keep(choice.message()));
        }
        BigDecimal cost = meter.answered(completion.usage(), finishReason(completion));
        if (cost != null) {
            out.setHeader("x-caravan-cost", cost.toPlainString());
            if (completion.usage() != null) {
                completion = completion.withUsage(completion.usage().withCost(cost));
            }
        }
        return completion.renamed(meter.generationId(), call.servingModel())
                .withWarnings(Warning.merge(completion.warnings(), call.warnings()));
    }

    /** A header of the gateway's own on the answer. */
    void header(String name, String value) {
        out.setHeader(name, value);
    }

    /** Answers with a whole answer's JSON. */
    void write(byte[] json) {
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(json);
    }

    /** The first choice's finish reason, which the meter records. */
    private static String finishReason(ChatCompletion completion) {
        return completion.choices() == null || completion.choices().isEmpty() ? null
                : completion.choices().get(0).finishReason();
    }
}
