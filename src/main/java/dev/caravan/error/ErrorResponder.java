package dev.caravan.error;

import dev.caravan.canonical.Json;
import dev.caravan.routing.GatewayCall;
import dev.caravan.routing.RoutingMetadata;
import dev.caravan.usage.RequestMeter;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;

/**
 * Writes whatever went wrong in a request as an OpenAI-shaped error with the right status. Only
 * {@link GatewayException} messages reach the client; anything unexpected becomes a generic 500 and is logged
 * with its stack trace here, on the server, where it belongs.
 */
@Component("errorResponder")
public class ErrorResponder {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

    public void respond(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        GatewayException error = classify(failure, call == null ? null : call.provider());
        Message message = exchange.getMessage();
        if (message.getBody() instanceof AutoCloseable leftover) {
            // a provider stream that became the body before a later step failed: nobody else will close it
            try {
                leftover.close();
            } catch (Exception ignored) {
                // it is being discarded either way
            }
        }
        message.removeHeaders("*");
        RequestMeter meter = exchange.getProperty(RequestMeter.PROPERTY, RequestMeter.class);
        if (meter != null) {
            meter.failed(error, error.kind().status(), null);
            message.setHeader("x-caravan-generation-id", meter.generationId());
            meter.rateLimitHeaders().forEach(message::setHeader);
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, error.kind().status());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (call != null && !call.records().isEmpty()) {
            message.setHeader("x-caravan-attempts", RoutingMetadata.header(call));
        }
        error.headers().forEach(message::setHeader);
        if (error.retryAfterSeconds() != null) {
            message.setHeader("Retry-After", String.valueOf(error.retryAfterSeconds()));
        }
        message.setBody(Json.write(ErrorBody.of(error)));
    }

    /** The client-facing form of any failure; {@code provider} names who was being called, if anyone. */
    public static GatewayException classify(Throwable failure, String provider) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof GatewayException gateway) {
                return gateway;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException && provider != null) {
                LOG.warn("call to provider {} failed: {}", provider, t.toString());
                return UpstreamErrors.fromTransport(provider, t);
            }
        }
        LOG.error("request failed unexpectedly", failure);
        return new GatewayException(ErrorKind.INTERNAL, "The gateway failed to process the request.");
    }
}
