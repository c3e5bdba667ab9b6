package dev.caravan.error;

import org.apache.camel.Exchange;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Writes whatever went wrong in a request as an error with the right status, headers and a body in the API's own
 * format. Only {@link GatewayException} messages reach the client; anything unexpected becomes a generic 500 and is
 * logged with its stack trace here, on the server, where it belongs. Accounting for the failed request is the
 * {@code settleRequest} step's, which runs after this one and finds the error as the client was told it in
 * {@value #ERROR_PROPERTY}.
 */
@Component("errorResponder")
public class ErrorResponder {

    /** The provider being called, if any: set by the failover chain before each attempt, and named in its errors. */
    public static final String PROVIDER_PROPERTY = "caravanProvider";
    /** The failure as the client was told it, for the steps after this one. */
    public static final String ERROR_PROPERTY = "caravanError";

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

    /** Answers the exchange's failure with {@code body}, the error in the API's wire format, and its kind's status. */
    public void respond(Exchange exchange, Function<GatewayException, byte[]> body) {
        respond(exchange, error -> error.kind().status(), body);
    }

    /**
     * The same with the API's own {@code status} for each error, where its clients know other codes than ours
     * (Anthropic's overload is 529).
     */
    public void respond(Exchange exchange, ToIntFunction<GatewayException> status,
                        Function<GatewayException, byte[]> body) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        GatewayException error = classify(failure, exchange.getProperty(PROVIDER_PROPERTY, String.class));
        exchange.setProperty(ERROR_PROPERTY, error);
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
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status.applyAsInt(error));
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        error.headers().forEach(message::setHeader);
        if (error.retryAfterSeconds() != null) {
            message.setHeader("Retry-After", String.valueOf(error.retryAfterSeconds()));
        }
        message.setBody(body.apply(error));
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
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DirectConsumerNotAvailableException missing) {
                // a route file's mistake (a routing table row naming no chain, say), not the gateway's bug: one line
                String what = String.valueOf(missing.getMessage());
                int exchange = what.indexOf(". Exchange");
                LOG.error("request failed: {}; a route sends there but no running route consumes it, check the "
                        + "route files", exchange < 0 ? what : what.substring(0, exchange));
                return new GatewayException(ErrorKind.INTERNAL, "The gateway failed to process the request.");
            }
        }
        LOG.error("request failed unexpectedly", failure);
        return new GatewayException(ErrorKind.INTERNAL, "The gateway failed to process the request.");
    }
}
