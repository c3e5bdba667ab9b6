package dev.caravan.routing;

import org.apache.camel.Exchange;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One attempt's first-byte timeout, owned by the failover steps: armed when the attempt begins, disarmed when the
 * provider's first byte (its response headers, or a stream's first event) arrives or the attempt ends. At the
 * deadline it interrupts the request thread, which a virtual thread blocked on a socket read answers by closing the
 * socket. Kept on the exchange ({@value #PROPERTY}) for the provider route's steps, one per attempt, so a late watch
 * of an earlier attempt can never interrupt a later one.
 */
public final class FirstByteWatch {

    public static final String PROPERTY = "caravanFirstByte";

    private final long startNanos;
    private final long deadlineNanos;
    private final Thread requestThread;
    private Future<?> timer;
    /** The first byte came, or the attempt ended: under this object's lock, so "came" and "fired" exclude each other. */
    private boolean disarmed;
    private volatile boolean timedOut;

    private FirstByteWatch(long timeoutNanos, Thread requestThread) {
        this.startNanos = System.nanoTime();
        this.deadlineNanos = startNanos + timeoutNanos;
        this.requestThread = requestThread;
    }

    /** Starts the watch of an attempt the current thread makes, firing after {@code timeoutNanos}. */
    public static FirstByteWatch arm(Exchange exchange, long timeoutNanos, ScheduledExecutorService scheduler) {
        FirstByteWatch watch = new FirstByteWatch(timeoutNanos, Thread.currentThread());
        Future<?> timer = scheduler.schedule(watch::fire, timeoutNanos, TimeUnit.NANOSECONDS);
        synchronized (watch) {
            watch.timer = timer;
        }
        exchange.setProperty(PROPERTY, watch);
        return watch;
    }

    /** The watch of the exchange's current attempt. */
    public static FirstByteWatch of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, FirstByteWatch.class);
    }

    private synchronized void fire() {
        if (!disarmed) {
            timedOut = true;
            requestThread.interrupt();
        }
    }

    /** The first byte came (or the attempt ended): the watch must not fire any more. */
    public void arrived() {
        Future<?> pending;
        synchronized (this) {
            disarmed = true;
            pending = timer;
            timer = null;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        // a watch that fired just before has set the flag; it must not hit the request's next read
        Thread.interrupted();
    }

    public boolean timedOut() {
        return timedOut;
    }

    /** Nanoseconds left before the first byte is overdue; never negative. */
    public long nanosLeft() {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    /** How long the attempt has taken so far. */
    public long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }
}
