package dev.caravan.routing;

import dev.caravan.canonical.ChatCompletion;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.ErrorResponder;
import dev.caravan.error.GatewayException;
import dev.caravan.format.VerbatimAnswer;
import dev.caravan.tracing.RequestTrace;
import jakarta.annotation.PreDestroy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What the failover chain route calls around each attempt ({@code routes/chains/failover.yaml}): plan the attempts,
 * begin one (taking a circuit-breaker permit, arming its first-byte timeout), and record how it ended. Only errors
 * another provider could fix lead to the next attempt; a request error is returned at once, and a context-length
 * error moves on only to models with a larger window. Each attempt is also a span of the request's trace
 * ({@link RequestTrace}, nothing when tracing is off).
 */
@Component("attempts")
public class Failover {

    /** No first-byte limit is longer than a day; larger values would overflow the nanosecond deadline. */
    private static final long MAX_FIRST_BYTE_MILLIS = TimeUnit.DAYS.toMillis(1);

    private final AttemptPlanner planner;
    private final ProviderHealth health;
    private final RoutingProperties properties;
    private final ProviderRegistry providers;
    /** Fires first-byte timeouts; one thread is plenty, each task only interrupts a waiting request thread. */
    private final ScheduledThreadPoolExecutor watchdog = watchdog();

    public Failover(AttemptPlanner planner, ProviderHealth health, RoutingProperties properties,
                    ProviderRegistry providers) {
        this.providers = providers;
        this.planner = planner;
        this.health = health;
        this.properties = properties;
    }

    public void plan(Exchange exchange) {
        GatewayCall call = call(exchange);
        List<AttemptPlanner.PlannedAttempt> planned = planner.plan(call.models(), call.options());
        List<Attempt> included = AttemptPlanner.included(planned);
        if (included.isEmpty()) {
            // the client should wait as long as the providers it may use asked for: not those 'only' left out
            List<Long> waits = planned.stream().filter(p -> !"not in 'only'".equals(p.reason()))
                    .map(p -> health.coolingSeconds(p.attempt().provider())).toList();
            long wait = waits.isEmpty() || waits.contains(null) ? 0 : waits.stream().mapToLong(Long::longValue).max()
                    .orElse(0);
            if (wait > 0) {
                // every provider asked to be left alone for a while: the client should wait as long
                throw new GatewayException(ErrorKind.RATE_LIMITED, "Every provider of '" + call.requestedModel()
                        + "' is rate-limited; retry after " + wait + " s.", null, null, wait);
            }
            throw unavailable(call, planned.stream().map(p -> p.attempt().provider() + " (" + p.reason() + ")")
                    .distinct().toList());
        }
        exchange.setProperty(AttemptPlan.PROPERTY, new AttemptPlan(included));
    }

    public void begin(Exchange exchange) {
        GatewayCall call = call(exchange);
        AttemptPlan plan = planOf(exchange);
        if (!plan.isAdmitted()) {
            // a chain that skipped spend.admit would call providers past every budget and rate limit
            throw new IllegalStateException("a provider attempt began before spend.admit: fix the chain route");
        }
        while (plan.hasNextAttempt()) {
            Attempt attempt = plan.nextAttempt();
            String denied = health.acquire(attempt.provider());
            if (denied != null) {
                plan.recordSkipped(attempt, denied);
                continue;
            }
            long millis = Math.min(MAX_FIRST_BYTE_MILLIS, call.options().providerTimeouts()
                    .getOrDefault(attempt.provider(), properties.firstByteTimeout().toMillis()));
            plan.begin(attempt);
            call.start(attempt);
            FirstByteWatch.arm(exchange, TimeUnit.MILLISECONDS.toNanos(millis), watchdog);
            exchange.setProperty(GatewayCall.PROVIDER_PROPERTY, attempt.provider());
            RequestTrace.of(exchange).attemptBegan(attempt.provider(), attempt.model().id(),
                    attempt.providerModel(), providers.get(attempt.provider()).baseUrl());
            return;
        }
        if (plan.lastFailure() != null) {
            // the providers left were all skipped: what the client needs is the last thing that really went wrong
            throw plan.lastFailure();
        }
        throw unavailable(call, plan.records().stream().map(r -> r.provider() + " (" + r.error() + ")").toList());
    }

    public void succeeded(Exchange exchange) {
        GatewayCall call = call(exchange);
        FirstByteWatch watch = FirstByteWatch.of(exchange);
        watch.arrived();
        health.succeeded(call.provider(), watch.elapsedNanos());
        planOf(exchange).recordSuccess();
        Object answer = exchange.getMessage().getBody();
        ChatCompletion completion = answer instanceof ChatCompletion whole ? whole
                : answer instanceof VerbatimAnswer verbatim ? verbatim.completion() : null;
        RequestTrace.of(exchange).attemptAnswered(completion == null ? null : completion.model());
    }

    /** Records the failed attempt; rethrows when no other attempt could help. */
    public void failed(Exchange exchange) {
        GatewayCall call = call(exchange);
        // a connection refused or a first-byte timeout ends the wait on the provider here, not in the provider route
        call.upstreamAnswered();
        FirstByteWatch watch = FirstByteWatch.of(exchange);
        watch.arrived();
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        GatewayException error = watch.timedOut()
                ? new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, call.provider()
                + ": no first byte within the time limit", null, call.provider(), null)
                : ErrorResponder.classify(caught, call.provider());
        if (call.byok() && error.kind() == ErrorKind.UPSTREAM_AUTHENTICATION) {
            error = new GatewayException(ErrorKind.UPSTREAM_AUTHENTICATION, call.provider()
                    + ": the provider refused the BYOK credential sent with this request", null, call.provider(),
                    null, error.upstreamStatus());
        }
        AttemptPlan plan = planOf(exchange);
        plan.recordFailure(error);
        RequestTrace.of(exchange).attemptFailed(error.kind().code() == null ? error.kind().type()
                : error.kind().code(), error.upstreamStatus());
        // a caller's own account (BYOK) refusing it, out of credit or rate-limited says nothing about the provider:
        // it must not open the circuit or cool the provider down for every other caller
        boolean callersAccount = call.byok() && (error.kind() == ErrorKind.UPSTREAM_AUTHENTICATION
                || error.kind() == ErrorKind.RATE_LIMITED || Integer.valueOf(402).equals(error.upstreamStatus()));
        health.failed(call.provider(), watch.elapsedNanos(), error.kind().retryable() && !callersAccount,
                callersAccount ? null : error.retryAfterSeconds());
        if (error.kind() == ErrorKind.CONTEXT_LENGTH_EXCEEDED) {
            plan.skipToLargerContextThan(call.current().model());
        } else if (!error.kind().retryable()) {
            throw error;
        }
        if (!plan.hasNextAttempt()) {
            throw error;
        }
    }

    private static GatewayException unavailable(GatewayCall call, List<String> why) {
        return new GatewayException(ErrorKind.NO_PROVIDER_AVAILABLE, "No provider could serve '"
                + call.requestedModel() + "': " + String.join(", ", why), null, null, null);
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("caravan-first-byte-watchdog").factory());
        // nearly every watch is cancelled; left in the queue until their deadline, thousands of requests a second
        // would pile up minutes of dead tasks, each holding its request
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private static GatewayCall call(Exchange exchange) {
        return exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
    }

    private static AttemptPlan planOf(Exchange exchange) {
        return exchange.getProperty(AttemptPlan.PROPERTY, AttemptPlan.class);
    }

    @PreDestroy
    void stop() {
        watchdog.shutdownNow();
    }
}
