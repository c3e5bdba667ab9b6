package dev.caravan.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Opens each request's trace ({@link RequestTrace}): its root span continues the client's W3C {@code traceparent}
 * when it sent one. Spans are opened by the gateway's own steps (the meter, the failover chain), not per Camel
 * processor, so a trace reads as the request and its provider attempts. When nothing is configured to receive
 * spans this hands out {@link RequestTrace#NONE}: the request path then makes no span objects at all.
 */
public final class Tracing {

    /** No tracing: for meters made outside the Spring context (tests, tools). */
    public static final Tracing OFF = new Tracing(OpenTelemetry.noop());

    private static final String SCOPE = "dev.caravan";
    private static final TextMapPropagator PROPAGATOR = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, Object>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, Object> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, Object> carrier, String key) {
            // Camel's headers are case-insensitive; a repeated header is a list, of which the first counts
            Object value = carrier == null ? null : carrier.get(key);
            if (value instanceof Iterable<?> values) {
                var first = values.iterator();
                value = first.hasNext() ? first.next() : null;
            }
            return value == null ? null : value.toString();
        }
    };

    private final Tracer tracer;
    private final boolean on;

    public Tracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(SCOPE);
        this.on = openTelemetry != OpenTelemetry.noop();
    }

    public boolean on() {
        return on;
    }

    /**
     * The root span of a request of {@code api} that arrived {@code arrivalNanos} ({@link System#nanoTime}) ago
     * from {@code projectId}'s key (never the key itself), continuing the client's {@code traceparent} in
     * {@code headers}, if any.
     */
    public RequestTrace open(Map<String, Object> headers, String method, String path, String api,
                             String projectId, long arrivalNanos) {
        if (!on) {
            return RequestTrace.NONE;
        }
        Context parent = PROPAGATOR.extract(Context.root(), headers, HEADERS);
        long sinceArrival = Math.max(0, System.nanoTime() - arrivalNanos);
        long start = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - sinceArrival;
        var builder = tracer.spanBuilder(method == null || path == null ? api : method + " " + path)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(start, TimeUnit.NANOSECONDS)
                .setAttribute(GenAi.OPERATION_NAME, GenAi.CHAT)
                .setAttribute(GenAi.CARAVAN_API, api);
        if (method != null) {
            builder.setAttribute("http.request.method", method);
        }
        if (path != null) {
            builder.setAttribute("url.path", path);
        }
        if (projectId != null) {
            builder.setAttribute(GenAi.CARAVAN_PROJECT, projectId);
        }
        Span root = builder.startSpan();
        return new RequestTrace(tracer, root, PROPAGATOR);
    }
}
