package dev.caravan.accounting;

import dev.caravan.identity.Caller;
import dev.caravan.tracing.RequestTrace;
import dev.caravan.tracing.Tracing;
import dev.caravan.usage.GenerationIds;
import dev.caravan.usage.UsageRecord;
import dev.caravan.usage.UsageSink;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Opens a {@link RequestMeter} for every chat request once its key is checked, and hands each finished request's
 * record to the {@link UsageSink}, which writes it off the request path, then to the {@link SettlementListener}s
 * (metrics, the access log). Each meter opens the request's trace too ({@link Tracing}), ended when it settles.
 */
@Component("metering")
public class Metering {

    private static final Logger LOG = LoggerFactory.getLogger(Metering.class);
    private static final String API_ROUTE_PREFIX = "api-";

    private final UsageSink sink;
    private final List<SettlementListener> listeners;
    private final Tracing tracing;
    private final BodyLogging bodyLogging;
    /** Route id to API name: route ids are few, and the name must not be cut out of the id on every request. */
    private final Map<String, String> apis = new ConcurrentHashMap<>();

    public Metering(UsageSink sink) {
        this(sink, List.of());
    }

    public Metering(UsageSink sink, List<SettlementListener> listeners) {
        this(sink, listeners, Tracing.OFF, BodyLogging.OFF);
    }

    public Metering(UsageSink sink, List<SettlementListener> listeners, Tracing tracing, BodyLogging bodyLogging) {
        this.sink = sink;
        this.listeners = List.copyOf(listeners);
        this.tracing = tracing;
        this.bodyLogging = bodyLogging;
    }

    @Autowired
    public Metering(UsageSink sink, ObjectProvider<SettlementListener> listeners, Tracing tracing,
                    BodyLogging bodyLogging) {
        this(sink, listeners.orderedStream().toList(), tracing, bodyLogging);
    }

    /** A new meter with a fresh generation id, kept on the exchange. */
    public RequestMeter open(Exchange exchange) {
        String route = exchange.getFromRouteId();
        // the key check before this step is the gateway's time too; the exchange's clock counts whole milliseconds
        long arrival = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(exchange.getClock().elapsed());
        Caller caller = exchange.getProperty(Caller.PROPERTY, Caller.ENVIRONMENT, Caller.class);
        String api = route == null ? "unknown" : apis.computeIfAbsent(route, Metering::api);
        RequestTrace trace = RequestTrace.NONE;
        if (tracing.on()) {
            org.apache.camel.Message in = exchange.getMessage();
            trace = tracing.open(in.getHeaders(), in.getHeader(Exchange.HTTP_METHOD, String.class),
                    path(in.getHeader(Exchange.HTTP_URI, String.class)), api, caller.projectId(), arrival);
            exchange.setProperty(RequestTrace.PROPERTY, trace);
        }
        RequestMeter meter = new RequestMeter(this, GenerationIds.next(), caller, api, arrival, trace,
                bodyLogging.open(caller));
        exchange.setProperty(RequestMeter.PROPERTY, meter);
        return meter;
    }

    /** A new meter with a fresh generation id for a request of {@code caller}. */
    public RequestMeter open(Caller caller) {
        return new RequestMeter(this, GenerationIds.next(), caller, "unknown", System.nanoTime(), RequestTrace.NONE,
                bodyLogging.open(caller));
    }

    /**
     * A meter for a shadow copy of the request {@code primary} meters (routes/chains/shadow.yaml): a fresh generation
     * id, its record marked with the primary's, the same caller and API, timed from now (the copy's own start), no
     * trace and no bodies kept. {@code countsSpend}: whether it takes the caller's budgets and rate limits.
     */
    public RequestMeter openShadow(RequestMeter primary, boolean countsSpend) {
        return new RequestMeter(this, GenerationIds.next(), primary.caller(), primary.api(), System.nanoTime(),
                RequestTrace.NONE, null, primary.generationId(), countsSpend);
    }

    /** The request's path without its query (which may carry anything). */
    private static String path(String uri) {
        int query = uri == null ? -1 : uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    private static String api(String routeId) {
        return routeId.startsWith(API_ROUTE_PREFIX) ? routeId.substring(API_ROUTE_PREFIX.length()) : routeId;
    }

    void record(SettledRequest settled) {
        UsageRecord record = settled.record();
        try {
            sink.record(record);
        } catch (RuntimeException e) {
            // accounting must never fail the answer the client already has; the sink keeps its own spool
            LOG.error("usage record {} could not be queued: {}", record.id(), e.toString());
        }
        for (SettlementListener listener : listeners) {
            try {
                listener.settled(settled);
            } catch (RuntimeException e) {
                // an observer's fault is no reason to fail a request, nor to skip the next observer
                LOG.warn("a settlement listener failed on {}: {}", record.id(), e.toString());
            }
        }
    }
}
