package dev.caravan.accounting;

import dev.caravan.identity.Caller;
import dev.caravan.usage.GenerationIds;
import dev.caravan.usage.UsageRecord;
import dev.caravan.usage.UsageSink;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Opens a {@link RequestMeter} for every chat request once its key is checked, and hands each finished request's
 * record to the {@link UsageSink}, which writes it off the request path.
 */
@Component("metering")
public class Metering {

    private static final Logger LOG = LoggerFactory.getLogger(Metering.class);

    private final UsageSink sink;

    public Metering(UsageSink sink) {
        this.sink = sink;
    }

    /** A new meter with a fresh generation id, kept on the exchange. */
    public RequestMeter open(Exchange exchange) {
        RequestMeter meter = open(exchange.getProperty(Caller.PROPERTY, Caller.ENVIRONMENT, Caller.class));
        exchange.setProperty(RequestMeter.PROPERTY, meter);
        return meter;
    }

    /** A new meter with a fresh generation id for a request of {@code caller}. */
    public RequestMeter open(Caller caller) {
        return new RequestMeter(this, GenerationIds.next(), caller);
    }

    void record(UsageRecord record) {
        try {
            sink.record(record);
        } catch (RuntimeException e) {
            // accounting must never fail the answer the client already has; the sink keeps its own spool
            LOG.error("usage record {} could not be queued: {}", record.id(), e.toString());
        }
    }
}
