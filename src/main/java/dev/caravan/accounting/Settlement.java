package dev.caravan.accounting;

import dev.caravan.error.ErrorResponder;
import dev.caravan.error.GatewayException;
import dev.caravan.routing.AttemptPlan;
import dev.caravan.routing.GatewayCall;
import dev.caravan.routing.RoutingMetadata;
import dev.caravan.stream.SseResponseBody;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The request's exit ({@code settleRequest}), the last step of an API route and of its error handling: writes the
 * headers every answer carries (generation id, rate limits, the attempts made) and settles the request's
 * {@link RequestMeter}: a whole answer or an error now, a stream when it ends, is cut or is left by its client (the
 * stream body reports that to the meter). A request with no meter (a refused {@code /v1/routing/explain}, an API
 * that generates nothing) gets only its attempts header. A metered one also gets {@value #OVERHEAD_HEADER}: the
 * gateway's own time up to here, its response head (see {@link RequestMeter#committed}).
 */
@Component("settlement")
public class Settlement {

    public static final String OVERHEAD_HEADER = "x-caravan-overhead-ms";

    public void settle(Exchange exchange) {
        Message message = exchange.getMessage();
        AttemptPlan plan = AttemptPlan.of(exchange);
        if (plan != null && !plan.records().isEmpty()) {
            message.setHeader("x-caravan-attempts", RoutingMetadata.header(plan));
        }
        RequestMeter meter = exchange.getProperty(RequestMeter.PROPERTY, RequestMeter.class);
        if (meter == null) {
            return;
        }
        message.setHeader("x-caravan-generation-id", meter.generationId());
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        message.setHeader(OVERHEAD_HEADER, millis(meter.committed(call == null ? 0 : call.providerWaitNanos())));
        // a refusal's own headers (a rate limit's) are the ones the client must see
        meter.rateLimitHeaders().forEach((name, value) -> {
            if (message.getHeader(name) == null) {
                message.setHeader(name, value);
            }
        });
        GatewayException error = exchange.getProperty(ErrorResponder.ERROR_PROPERTY, GatewayException.class);
        if (error != null) {
            if (call != null) {
                meter.served(Served.of(call, plan));
            }
            meter.failed(error, error.kind().status(), null);
        } else if (!(message.getBody() instanceof SseResponseBody)) {
            meter.settle();
        }
    }

    /** Nanoseconds as milliseconds with three decimals ({@code 0.412}): most requests cost the gateway under one. */
    static String millis(long nanos) {
        long micros = nanos / 1_000;
        long fraction = micros % 1_000;
        return (micros / 1_000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }
}
