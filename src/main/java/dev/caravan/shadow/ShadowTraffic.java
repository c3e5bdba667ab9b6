package dev.caravan.shadow;

import dev.caravan.accounting.Metering;
import dev.caravan.accounting.RequestMeter;
import dev.caravan.accounting.Served;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.error.ErrorResponder;
import dev.caravan.error.GatewayException;
import dev.caravan.identity.Caller;
import dev.caravan.routing.AttemptPlan;
import dev.caravan.routing.ChainRegistry;
import dev.caravan.routing.GatewayCall;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Shadow traffic's steps (routes/chains/shadow.yaml). The chain's {@code wireTap} hands a copy of the exchange to
 * {@link #executor()}, a bounded pool that drops and counts a copy it has no room for instead of making the client
 * wait; {@link #copy} (its {@code onPrepare}, on the client's thread) leaves the copy nothing of the primary's but
 * its caller and a fresh {@link GatewayCall}; on the pool, {@link #meter} opens the copy's own meter (its record marked
 * with the primary's generation id, not counted against the caller's budgets unless configured), the copy runs its own
 * attempt plan through the failover chain and provider routes, and {@link #settle} or {@link #failed} records it. The
 * copy never writes to the client: nothing of it reaches the primary's exchange.
 */
@Component("shadowTraffic")
public class ShadowTraffic {

    /** The primary's meter, on the copy until {@link #meter} replaces it with the copy's own. */
    static final String PRIMARY_METER_PROPERTY = "caravanShadowOf";
    private static final Logger LOG = LoggerFactory.getLogger(ShadowTraffic.class);
    /** What the copy keeps of the primary's exchange: who called, which API, and the chain it came through. */
    private static final List<String> KEPT = List.of(Caller.PROPERTY, "caravanApi", ChainRegistry.PROPERTY,
            ChainRegistry.ENTERED_PROPERTY);

    private final Metering metering;
    private final boolean countsSpend;
    private final LongAdder dropped = new LongAdder();
    private final ThreadPoolExecutor executor;

    public ShadowTraffic(Metering metering, ShadowProperties properties, ObjectProvider<MeterRegistry> registry) {
        this.metering = metering;
        this.countsSpend = properties.countAgainstBudget();
        BlockingQueue<Runnable> queue = properties.queueSize() == 0 ? new SynchronousQueue<>()
                : new ArrayBlockingQueue<>(properties.queueSize());
        // Camel's wireTap fails the client's exchange when its pool throws RejectedExecutionException: this handler
        // drops the copy instead, so a full pool costs the client nothing
        this.executor = new ThreadPoolExecutor(properties.threads(), properties.threads(), 30, TimeUnit.SECONDS, queue,
                Thread.ofVirtual().name("shadow-", 0).factory(), (task, pool) -> drop());
        executor.allowCoreThreadTimeOut(true);
        registry.ifAvailable(meters -> FunctionCounter.builder("caravan.shadow.dropped", dropped, LongAdder::sum)
                .description("Shadow copies dropped because the shadow pool and its queue were full")
                .register(meters));
    }

    /** The wireTap's pool ({@code executorService: shadowExecutor}). */
    public ExecutorService executor() {
        return executor;
    }

    /** Shadow copies dropped so far because the pool was full. */
    public long dropped() {
        return dropped.sum();
    }

    private void drop() {
        dropped.increment();
        if (dropped.sum() == 1) {
            LOG.warn("shadow pool full: a shadow copy was dropped (further drops are counted in caravan.shadow.dropped)");
        }
    }

    /**
     * The wireTap's {@code onPrepare}, on the client's thread, on Camel's copy of the exchange (whose properties are
     * the primary's objects): keeps only {@link #KEPT}, a fresh {@link GatewayCall#forShadow} and the primary's meter
     * (for its generation id); no headers (the client's) and no body (the primary's answer or stream).
     */
    public void copy(Exchange shadow) {
        GatewayCall primary = shadow.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        RequestMeter primaryMeter = shadow.getProperty(RequestMeter.PROPERTY, RequestMeter.class);
        Object[] kept = KEPT.stream().map(shadow::getProperty).toArray();
        shadow.removeProperties("*");
        for (int i = 0; i < kept.length; i++) {
            if (kept[i] != null) {
                shadow.setProperty(KEPT.get(i), kept[i]);
            }
        }
        shadow.setProperty(GatewayCall.PROPERTY, primary.forShadow());
        shadow.setProperty(PRIMARY_METER_PROPERTY, primaryMeter);
        shadow.getMessage().removeHeaders("*");
        shadow.getMessage().setBody(null);
    }

    /** First on the pool: the copy's own meter, timed from here (time spent queued is not the candidate's). */
    public void meter(Exchange shadow) {
        RequestMeter primary = (RequestMeter) shadow.removeProperty(PRIMARY_METER_PROPERTY);
        shadow.setProperty(RequestMeter.PROPERTY, metering.openShadow(primary, countsSpend));
    }

    /** The candidate answered (as a whole answer): its record, with its usage and cost. */
    public void settle(Exchange shadow) {
        RequestMeter meter = served(shadow);
        Object body = shadow.getMessage().getBody();
        if (!(body instanceof ChatCompletion completion)) {
            throw new IllegalStateException("the shadow copy's chain returned " + body);
        }
        if (completion.usage() == null && completion.choices() != null) {
            completion.choices().forEach(choice -> meter.output(choice.message()));
        }
        meter.answered(completion.usage(), completion.choices() == null || completion.choices().isEmpty() ? null
                : completion.choices().get(0).finishReason());
        meter.settle();
        shadow.getMessage().setBody(null);
    }

    /** The candidate failed (or was refused): its record says so; the client's request never hears of it. */
    public void failed(Exchange shadow) {
        Throwable failure = shadow.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        GatewayException error = ErrorResponder.classify(failure,
                shadow.getProperty(ErrorResponder.PROVIDER_PROPERTY, String.class));
        RequestMeter meter = served(shadow);
        meter.failed(error, error.kind().status(), null);
        LOG.debug("shadow copy {} of {} failed: {}", meter.generationId(), meter.shadowOf(), error.getMessage());
    }

    private static RequestMeter served(Exchange shadow) {
        RequestMeter meter = shadow.getProperty(RequestMeter.PROPERTY, RequestMeter.class);
        meter.served(Served.of(shadow.getProperty(GatewayCall.PROPERTY, GatewayCall.class),
                shadow.getProperty(AttemptPlan.PROPERTY, AttemptPlan.class)));
        return meter;
    }
}
