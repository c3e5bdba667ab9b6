package dev.caravan.accounting;

import dev.caravan.identity.Caller;
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
 * (metrics, the access log).
 */
@Component("metering")
public class Metering {

    private static final Logger LOG = LoggerFactory.getLogger(Metering.class);
    private static final String API_ROUTE_PREFIX = "api-";

    private final UsageSink sink;
    private final List<SettlementListener> listeners;
    /** Route id to API name: route ids are few, and the name must not be cut out of the id on every request. */
    private final Map<String, String> apis = new ConcurrentHashMap<>();

    public Metering(UsageSink sink) {
        this(sink, List.of());
    }

    public Metering(UsageSink sink, List<SettlementListener> listeners) {
        this.sink = sink;
        this.listeners = List.copyOf(listeners);
    }

    @Autowired
    public Metering(UsageSink sink, ObjectProvider<SettlementListener> listeners) {
        this(sink, listeners.orderedStream().toList());
    }

    /** A new meter with a fresh generation id, kept on the exchange. */
    public RequestMeter open(Exchange exchange) {
        String route = exchange.getFromRouteId();
        // the key check before this step is the gateway's time too; the exchange's clock counts whole milliseconds
        long arrival = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(exchange.getClock().elapsed());
        RequestMeter meter = new RequestMeter(this, GenerationIds.next(),
                exchange.getProperty(Caller.PROPERTY, Caller.ENVIRONMENT, Caller.class),
                route == null ? "unknown" : apis.computeIfAbsent(route, Metering::api), arrival);
        exchange.setProperty(RequestMeter.PROPERTY, meter);
        return meter;
    }

    /** A new meter with a fresh generation id for a request of {@code caller}. */
    public RequestMeter open(Caller caller) {
        return new RequestMeter(this, GenerationIds.next(), caller, "unknown", System.nanoTime());
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
