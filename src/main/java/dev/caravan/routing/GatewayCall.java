package dev.caravan.routing;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Warning;
import dev.caravan.error.ErrorResponder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/**
 * What the gateway knows about one request while routes pass it along: the parsed request, its routing options, the
 * models to try and the attempt the provider route is calling (the plan and its records are the failover chain's,
 * in {@link AttemptPlan}). Kept as one exchange property so that nothing request-specific travels in headers, which
 * camel-http would send upstream. One request is handled by one thread at a time, so this is not synchronised.
 */
public final class GatewayCall {

    public static final String PROPERTY = "caravanCall";
    /** The provider of the current attempt, for routes to address {@code direct:provider-<name>}. */
    public static final String PROVIDER_PROPERTY = ErrorResponder.PROVIDER_PROPERTY;

    private ChatRequest request;
    private final String requestedModel;
    private final RoutingOptions options;
    private final List<Warning> warnings = new ArrayList<>();
    private List<String> models;
    private Attempt current;
    private long startNanos;
    private Future<?> firstByteWatch;
    /** Which attempt's watch may still fire; bumped when the first byte comes, under this object's lock. */
    private long watchGeneration;
    private volatile boolean timedOut;
    private long firstByteDeadlineNanos;

    public GatewayCall(ChatRequest request, RoutingOptions options) {
        this.request = request;
        this.requestedModel = request.model();
        this.options = options;
        this.models = new ArrayList<>(1 + options.models().size());
        this.models.add(request.model());
        // the requested model named again as a fallback would only repeat its providers' attempts
        options.models().stream().filter(m -> !m.equals(request.model())).forEach(this.models::add);
    }

    /** The request as the current attempt should send it (a tier may have capped it). */
    public ChatRequest request() {
        return request;
    }

    public void replaceRequest(ChatRequest capped) {
        this.request = capped;
    }

    /** The model id as the client named it: a {@code creator/model} or a {@code tier/name}. */
    public String requestedModel() {
        return requestedModel;
    }

    /** The tier's name when the client asked for {@code tier/<name>}, else null. */
    public String tier() {
        return requestedModel.startsWith("tier/") ? requestedModel.substring(5) : null;
    }

    public RoutingOptions options() {
        return options;
    }

    public List<Warning> warnings() {
        return warnings;
    }

    /** The models to try, in order: the requested one (or a tier's chain), then the request's fallbacks. */
    public List<String> models() {
        return models;
    }

    public void replaceModels(List<String> chain) {
        List<String> all = new ArrayList<>(chain);
        options.models().stream().filter(m -> !all.contains(m)).forEach(all::add);
        this.models = all;
    }

    public void start(Attempt attempt, long firstByteTimeoutNanos) {
        this.current = attempt;
        this.startNanos = System.nanoTime();
        this.firstByteDeadlineNanos = startNanos + firstByteTimeoutNanos;
        this.timedOut = false;
    }

    public long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    /** Nanoseconds left before the current attempt's first byte is overdue; never negative. */
    public long firstByteNanosLeft() {
        return Math.max(0, firstByteDeadlineNanos - System.nanoTime());
    }

    /** The generation a new watch must present to fire; see {@link #fireWatch}. */
    public synchronized long armWatch(Future<?> watch) {
        this.firstByteWatch = watch;
        return watchGeneration;
    }

    public synchronized long watchGeneration() {
        return watchGeneration;
    }

    /**
     * Called by the watchdog at the deadline: marks the attempt timed out and interrupts its thread, unless the
     * first byte came meanwhile. The lock makes "came" and "fired" exclusive, so an interrupt can never land on a
     * later read of this request.
     */
    public synchronized void fireWatch(long generation, Thread requestThread) {
        if (generation == watchGeneration) {
            timedOut = true;
            requestThread.interrupt();
        }
    }

    /** The first byte came (or the attempt ended): the watch must not fire any more. */
    public void firstByteArrived() {
        Future<?> watch;
        synchronized (this) {
            watchGeneration++;
            watch = firstByteWatch;
            firstByteWatch = null;
        }
        if (watch != null) {
            watch.cancel(false);
        }
        // a watch that fired before the generation moved has set the flag; it must not hit the next read
        Thread.interrupted();
    }

    public boolean timedOut() {
        return timedOut;
    }

    /** The attempt the provider route is calling; set when it begins, kept after it served. */
    public Attempt current() {
        return current;
    }

    /** The provider of the current (after success: the serving) attempt; null before any attempt began. */
    public String provider() {
        return current == null ? null : current.provider();
    }

    /** The current attempt is paid with the caller's own provider key. */
    public boolean byok() {
        return current != null && options.byok().has(current.provider());
    }

    public String providerModel() {
        return current.providerModel();
    }

    public String format() {
        return current.format();
    }

    /** The catalog id of the model that is serving (which, after a fallback, is not the requested one). */
    public String servingModel() {
        return current.model().id();
    }
}
