package dev.caravan.budget;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * Budgets set to {@code onStoreOutage: open} while the shared ledger (Redis) cannot be reached: their requests are
 * held against a ledger in this instance's memory, a fresh one per outage (seeded from the usage records like any
 * ledger), instead of being refused. The first request of an outage logs it (WARN), the first answer of the shared
 * ledger after it ends it (INFO), and every response served this way names the budgets in
 * {@value #HEADER}. Costs settled during an outage are added to the shared ledger once it answers again.
 *
 * <p>The overspend this allows, per budget and outage: the local ledger starts from the recorded spend and sees only
 * this instance's requests, so (1) each other replica serving the budget meanwhile may spend what was left of it
 * again: up to (replicas - 1) x (limit - spend at the outage's start); (2) requests still running on the shared
 * ledger when it became unreachable are unknown here: up to their worst cases; (3) costs settled in the last
 * {@code caravan.usage.batch-interval} before the outage are not in the records yet. With one replica only (2) and
 * (3) remain. After the outage the replayed costs are counted twice where Redis lost the account and seeded it again
 * from records that hold them too: the budget then refuses early, never late. An alert threshold crossed during an
 * outage may be sent again when the shared ledger hears of the cost.
 */
public final class StoreOutage {

    /** Response header naming the budgets a request was held against locally because the shared ledger was away. */
    public static final String HEADER = "x-caravan-budget-degraded";

    private static final Logger LOG = LoggerFactory.getLogger(StoreOutage.class);

    private final Supplier<Ledger> localLedgers;
    private final Queue<Booked> unreplayed = new ConcurrentLinkedQueue<>();
    /** The current outage's ledger; null while the shared ledger answers. */
    private volatile Ledger local;

    /** @param localLedgers a new, empty ledger in this instance's memory for each outage */
    public StoreOutage(Supplier<Ledger> localLedgers) {
        this.localLedgers = localLedgers;
    }

    /**
     * The current outage's ledger, opened (and the outage logged, with {@code cause}) by the first request that
     * needs it.
     */
    synchronized Ledger local(RuntimeException cause) {
        if (local == null) {
            // a fresh one: what an earlier outage's ledger knew has been overtaken by every replica's spend since
            local = localLedgers.get();
            LOG.warn("the budget ledger cannot be reached ({}): budgets set to onStoreOutage=open are held in this "
                    + "instance's memory until it answers (each replica may then spend what was left of them), the "
                    + "others refuse with 503", cause.toString());
        }
        return local;
    }

    /** A cost settled on an outage's ledger, for the shared ledger to hear of once it answers. */
    void booked(String requestId, List<BudgetLine> lines, long actualNanos) {
        if (actualNanos > 0) {
            unreplayed.add(new Booked(requestId, lines, actualNanos));
        }
    }

    /**
     * The shared ledger answered: an outage is over, and the costs settled during it are added to it (with nothing
     * reserved to release). Nearly free when there was no outage. Returns the alert thresholds those costs crossed.
     */
    List<Ledger.Crossing> sharedAnswered(Ledger shared) {
        if (local == null && unreplayed.isEmpty()) {
            return List.of();
        }
        synchronized (this) {
            if (local != null) {
                local = null;
                LOG.info("the budget ledger answers again: budgets set to onStoreOutage=open are held there again");
            }
        }
        List<Ledger.Crossing> crossings = new ArrayList<>();
        for (Booked booked = unreplayed.poll(); booked != null; booked = unreplayed.poll()) {
            try {
                crossings.addAll(shared.settle(booked.requestId(), booked.lines(), 0, booked.actualNanos()));
            } catch (RuntimeException awayAgain) {
                unreplayed.add(booked);
                break;
            }
        }
        return crossings;
    }

    private record Booked(String requestId, List<BudgetLine> lines, long actualNanos) {
    }
}
