package dev.caravan.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.apache.camel.Exchange;

import java.net.URI;
import java.util.function.BiConsumer;

/**
 * One request's spans: the root (the request as the client sees it, from arrival to its last byte) and one child
 * per provider attempt. Opened by the meter ({@code meterRequest}), kept as an exchange property
 * ({@value #PROPERTY}), told of attempts by the failover chain and ended when the request settles — for a stream
 * that is its end, later than the HTTP handler's return. A failed attempt's span ends when it fails; the serving
 * attempt's span stays open until the request settles, as a stream keeps the provider's call going until then, and
 * then carries the usage. Attempts are made one at a time on the request's thread; the end may come on a stream's
 * writer thread, after the last attempt, hence the volatile fields.
 */
public class RequestTrace {

    public static final String PROPERTY = "caravanTrace";

    /** Tracing is off: every call does nothing. */
    public static final RequestTrace NONE = new RequestTrace(null, null, null);

    private final Tracer tracer;
    private final Span root;
    private final TextMapPropagator propagator;
    private volatile Span attempt;
    private volatile String responseModel;

    RequestTrace(Tracer tracer, Span root, TextMapPropagator propagator) {
        this.tracer = tracer;
        this.root = root;
        this.propagator = propagator;
    }

    /** The exchange's trace, or {@link #NONE} when tracing is off or the request has no meter. */
    public static RequestTrace of(Exchange exchange) {
        RequestTrace trace = exchange.getProperty(PROPERTY, RequestTrace.class);
        return trace == null ? NONE : trace;
    }

    /**
     * An attempt begins on {@code provider} (catalog name) at {@code baseUrl}, for the catalog's {@code model}, sent
     * as {@code providerModel}.
     */
    public void attemptBegan(String provider, String model, String providerModel, String baseUrl) {
        if (root == null) {
            return;
        }
        var builder = tracer.spanBuilder(GenAi.CHAT + " " + providerModel)
                .setParent(Context.root().with(root))
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(GenAi.OPERATION_NAME, GenAi.CHAT)
                .setAttribute(GenAi.PROVIDER_NAME, GenAi.providerName(provider))
                .setAttribute(GenAi.CARAVAN_PROVIDER, provider)
                .setAttribute(GenAi.REQUEST_MODEL, providerModel)
                .setAttribute(GenAi.CARAVAN_MODEL, model);
        URI url = baseUrl == null ? null : URI.create(baseUrl);
        if (url != null && url.getHost() != null) {
            builder.setAttribute(GenAi.SERVER_ADDRESS, url.getHost());
            int port = url.getPort() != -1 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
            builder.setAttribute(GenAi.SERVER_PORT, (long) port);
        }
        attempt = builder.startSpan();
        responseModel = null;
    }

    /**
     * Writes the current attempt's {@code traceparent} through {@code header}: the provider's side of the call (or a
     * proxy in front of it) joins the same trace.
     */
    public void inject(BiConsumer<String, String> header) {
        Span current = attempt;
        if (current != null) {
            propagator.inject(Context.root().with(current), header, (sink, name, value) -> sink.accept(name, value));
        }
    }

    /** The current attempt failed with {@code errorType} (the gateway's error code), the provider's status if any. */
    public void attemptFailed(String errorType, Integer upstreamStatus) {
        Span failed = attempt;
        if (failed == null) {
            return;
        }
        attempt = null;
        failed.setAttribute(GenAi.ERROR_TYPE, errorType);
        if (upstreamStatus != null) {
            failed.setAttribute(GenAi.HTTP_STATUS, upstreamStatus.longValue());
        }
        failed.setStatus(StatusCode.ERROR, errorType);
        failed.end();
    }

    /** The current attempt answered, naming {@code model} as the one that answered (null: not said). */
    public void attemptAnswered(String model) {
        if (attempt != null && model != null) {
            responseModel = model;
        }
    }

    /**
     * The request settled: ends the serving attempt's span (if one served) with the usage, then the root.
     *
     * @param requestedModel the model as the client named it, null when the request was not read
     * @param provider       the provider that served or was tried last, or null
     * @param providerModel  that provider's model id, or null
     * @param errorType      the error the client got (its code), or null
     */
    public void settled(String generationId, String requestedModel, String provider, String providerModel,
                        Long inputTokens, Long outputTokens, int httpStatus, String outcome, String errorType) {
        if (root == null) {
            return;
        }
        String answered = responseModel != null ? responseModel : providerModel;
        Span serving = attempt;
        attempt = null;
        if (serving != null) {
            usage(serving, answered, inputTokens, outputTokens);
            if (errorType != null) {
                // a stream that failed or was cut after it began: the provider's call ended badly
                serving.setAttribute(GenAi.ERROR_TYPE, errorType);
                serving.setStatus(StatusCode.ERROR, errorType);
            }
            serving.end();
        }
        root.setAttribute(GenAi.CARAVAN_GENERATION_ID, generationId);
        root.setAttribute(GenAi.CARAVAN_OUTCOME, outcome);
        root.setAttribute(GenAi.HTTP_STATUS, (long) httpStatus);
        if (requestedModel != null) {
            root.setAttribute(GenAi.REQUEST_MODEL, requestedModel);
        }
        if (provider != null) {
            root.setAttribute(GenAi.PROVIDER_NAME, GenAi.providerName(provider));
            root.setAttribute(GenAi.CARAVAN_PROVIDER, provider);
            usage(root, answered, inputTokens, outputTokens);
        }
        if (errorType != null) {
            root.setAttribute(GenAi.ERROR_TYPE, errorType);
            root.setStatus(StatusCode.ERROR, errorType);
        }
        root.end();
    }

    private static void usage(Span span, String responseModel, Long inputTokens, Long outputTokens) {
        if (responseModel != null) {
            span.setAttribute(GenAi.RESPONSE_MODEL, responseModel);
        }
        if (inputTokens != null) {
            span.setAttribute(GenAi.INPUT_TOKENS, inputTokens);
        }
        if (outputTokens != null) {
            span.setAttribute(GenAi.OUTPUT_TOKENS, outputTokens);
        }
    }
}
