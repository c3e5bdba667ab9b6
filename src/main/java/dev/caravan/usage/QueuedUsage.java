package dev.caravan.usage;

import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The usage sink: hands each record to the {@code seda:usage} queue that {@code routes/shared/usage-writer.yaml}
 * drains in batches, and returns. The queue never blocks a request thread: when it is full, or Camel has already
 * stopped, the record goes to the spool instead, which the writer replays once it can.
 */
@Component
public class QueuedUsage implements UsageSink {

    private final ProducerTemplate producer;
    private volatile Endpoint endpoint;
    private final UsageSpool spool;
    private final String queue;

    public QueuedUsage(ProducerTemplate producer, UsageSpool spool, UsageProperties properties) {
        this.producer = producer;
        this.spool = spool;
        // the writer route reads the same queue with the same size: SEDA refuses two sizes for one queue
        this.queue = "seda:usage?size=" + properties.queueSize() + "&blockWhenFull=false";
    }

    /** Resolved once: looking a URI up normalises it again, on every request. */
    private Endpoint endpoint() {
        Endpoint resolved = endpoint;
        if (resolved == null) {
            resolved = producer.getCamelContext().getEndpoint(queue);
            endpoint = resolved;
        }
        return resolved;
    }

    @Override
    public void record(UsageRecord record) {
        try {
            producer.sendBody(endpoint(), record);
        } catch (RuntimeException queueFullOrStopped) {
            spool.spool(List.of(record));
        }
    }
}
