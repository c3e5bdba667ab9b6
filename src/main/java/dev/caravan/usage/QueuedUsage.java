package dev.caravan.usage;

import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.seda.SedaEndpoint;
import org.springframework.stereotype.Component;

import jakarta.annotation.PreDestroy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The usage sink: hands each record to the {@code seda:usage} queue that {@code routes/shared/usage-writer.yaml}
 * drains in batches, and returns. The queue never blocks a request thread: when it is full (the database has been
 * away long enough to fill it), or Camel has already stopped, the record waits in an overflow list that goes to the
 * spool in batches ({@value #OVERFLOW_BATCH} records a file, or whatever is there when the replay timer runs or the
 * gateway stops), so a request thread writes and syncs a spool file once per that many records, not once each.
 * Every record is appended to the {@link UsageJournal} first, so that none of those waiting in memory is lost if the
 * process is killed; the writer route confirms them to the journal once stored, this class once spooled.
 */
@Component
public class QueuedUsage implements UsageSink {

    static final int OVERFLOW_BATCH = 1000;

    private final ProducerTemplate producer;
    private volatile Endpoint endpoint;
    private final UsageSpool spool;
    private final UsageJournal journal;
    private final String queue;
    private final ConcurrentLinkedQueue<UsageRecord> overflow = new ConcurrentLinkedQueue<>();
    private final AtomicInteger overflowSize = new AtomicInteger();

    public QueuedUsage(ProducerTemplate producer, UsageSpool spool, UsageJournal journal, UsageProperties properties) {
        this.producer = producer;
        this.spool = spool;
        this.journal = journal;
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
        journal.append(record);
        try {
            producer.sendBody(endpoint(), record);
        } catch (RuntimeException queueFullOrStopped) {
            overflow.add(record);
            if (overflowSize.incrementAndGet() >= OVERFLOW_BATCH) {
                spoolOverflow();
            }
        }
    }

    /**
     * Records waiting in memory to be written: those in the queue and those in the overflow list. Read by the
     * metrics; the queue's own count, not a walk over it.
     */
    public int depth() {
        Endpoint resolved = endpoint;
        int queued = resolved instanceof SedaEndpoint seda ? seda.getCurrentQueueSize() : 0;
        return queued + overflowSize.get();
    }

    /** Moves the records waiting in the overflow list to the spool, as one batch; called by the replay route too. */
    @PreDestroy
    public void spoolOverflow() {
        List<UsageRecord> batch = new ArrayList<>();
        for (UsageRecord record = overflow.poll(); record != null; record = overflow.poll()) {
            overflowSize.decrementAndGet();
            batch.add(record);
        }
        if (!batch.isEmpty()) {
            spool.spool(batch);
            journal.confirm(batch);
        }
    }
}
