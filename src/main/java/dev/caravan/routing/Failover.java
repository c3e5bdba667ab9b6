package dev.caravan.routing;

import dev.caravan.canonical.ChatCompletion;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.ErrorResponder;
import dev.caravan.error.GatewayException;
import dev.caravan.format.VerbatimAnswer;
import dev.caravan.tracing.RequestTrace;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import jakarta.annotation.PreDestroy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What the failover chain route calls around each attempt ({@code routes/chains/failover.yaml}): plan the attempts,
 * begin one (leaving out a provider whose circuit is open or that is cooling down, arming its first-byte timeout),
 * judge a failed call inside the provider route's circuit breaker, and record how it ended. Only errors
 * another provider could fix lead to the next attempt; a request error is returned at once, and a context-length
 * error moves on only to models with a larger window. Each attempt is also a span of the request's trace
 * ({@link RequestTrace}, nothing when tracing is off).
 */
@Component("attempts")
public class Failover {

    /** A failure {@link #judge} found not to be the provider's, raised after the breaker. */
    static final String SET_ASIDE_PROPERTY = "caravanRequestError";

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
            if (planned.stream().allMatch(p -> AttemptPlanner.NOT_FOR_CREDENTIAL.equals(p.reason()))) {
                // a hand-written chain's models, checked only here: the intake checked the request's own
                throw new GatewayException(ErrorKind.PERMISSION_DENIED, "No provider this credential may use "
                        + "serves '" + call.requestedModel() + "'.", "model", null, null);
            }
            // the client should wait as long as the providers it may use asked for: not those left out by choice
            List<Long> waits = planned.stream().filter(p -> !AttemptPlanner.NOT_IN_ONLY.equals(p.reason())
                            && !AttemptPlanner.NOT_FOR_CREDENTIAL.equals(p.reason()))
                    .map(p -> health.coolingSeconds(p.attempt().provider())).toList();
            long wait = waits.isEmpty() || waits.contains(null) ? 0 : waits.stream().mapToLong(Long::longValue).max()
                    .orElse(0);
            if (wait > 0) {
                // every provider asked to be left alone for a while: the client should wait as long
                throw ProvidersExhausted.of(new GatewayException(ErrorKind.RATE_LIMITED, "Every provider of '"
                        + call.requestedModel() + "' is rate-limited; retry after " + wait + " s.", null, null,
                        wait));
            }
            throw ProvidersExhausted.of(unavailable(call, planned.stream()
                    .map(p -> p.attempt().provider() + " (" + p.reason() + ")").distinct().toList()));
        }
        AttemptPlan plan = call.plan();
        if (plan == null) {
            plan = new AttemptPlan(included);
            call.usePlan(plan);
        } else {
            // back from a chain's branch whose plan ran out: the next branch's models continue the same plan
            plan.continueWith(included);
        }
        exchange.setProperty(AttemptPlan.PROPERTY, plan);
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
            String denied = health.mayCall(attempt.provider());
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
            exchange.setProperty(GatewayCall.PROVIDER_ROUTE_PROPERTY, call.providerRoute(attempt.provider()));
            // set at intake on the request's own exchange; a chain's copy of it (a load balancer's) must keep that
            if (exchange.getProperty(GatewayCall.REQUEST_EXCHANGE_PROPERTY) == null) {
                exchange.setProperty(GatewayCall.REQUEST_EXCHANGE_PROPERTY, exchange);
            }
            RequestTrace.of(exchange).attemptBegan(attempt.provider(), attempt.model().id(),
                    attempt.providerModel(), providers.get(attempt.provider()).baseUrl());
            return;
        }
        throw ProvidersExhausted.of(noneLeft(call, plan));
    }

    /** The error for a request whose plan ran out with its last attempts skipped. */
    private static GatewayException noneLeft(GatewayCall call, AttemptPlan plan) {
        if (plan.lastFailure() != null) {
            // the providers left were all skipped: what the client needs is the last thing that really went wrong
            return plan.lastFailure();
        }
        return unavailable(call, plan.records().stream().map(r -> r.provider() + " (" + r.error() + ")").toList());
    }

    public void succeeded(Exchange exchange) {
        GatewayCall call = call(exchange);
        FirstByteWatch watch = FirstByteWatch.of(exchange);
        watch.arrived();
        planOf(exchange).recordSuccess();
        Object answer = exchange.getMessage().getBody();
        ChatCompletion completion = answer instanceof ChatCompletion whole ? whole
                : answer instanceof VerbatimAnswer verbatim ? verbatim.completion() : null;
        RequestTrace.of(exchange).attemptAnswered(completion == null ? null : completion.model());
    }

    /**
     * Judges a failed provider call inside its route's circuitBreaker EIP (the route's {@code doCatch}): a failure
     * only the provider could cause (connection refused or reset, no first byte in time, 429, 5xx, overloaded) is
     * rethrown, so the breaker counts it; any other error (a bad request, the caller's own BYOK account refusing)
     * says the provider is up, and is set aside for {@link #raiseSetAside} after the breaker, which counts the call
     * as one that worked. Either way the chain's {@link #failed} gets the classified error.
     */
    public void judge(Exchange exchange) {
        GatewayException error = classify(exchange, call(exchange));
        if (providerFault(call(exchange), error)) {
            throw error;
        }
        exchange.setProperty(SET_ASIDE_PROPERTY, error);
    }

    /**
     * Judges a failed branch inside a chain's own circuitBreaker EIP (routes/chains/premium-first.yaml): the end of
     * the branch's plan on errors another vendor could fix ({@link ProvidersExhausted}) goes on to the breaker, which
     * counts it and runs its fallback; any other error is the client's and would fail the fallback the same way, so
     * it is set aside for {@link #raiseSetAside}, after the breaker.
     */
    public void judgeBranch(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (caught instanceof ProvidersExhausted exhausted) {
            throw exhausted;
        }
        exchange.setProperty(SET_ASIDE_PROPERTY, ErrorResponder.classify(caught, null));
    }

    /** After the breaker: raises the error {@link #judge} set aside as not the provider's fault. */
    public void raiseSetAside(Exchange exchange) {
        GatewayException error = exchange.getProperty(SET_ASIDE_PROPERTY, GatewayException.class);
        if (error != null) {
            exchange.removeProperty(SET_ASIDE_PROPERTY);
            throw error;
        }
    }

    /** Records the failed attempt; rethrows when no other attempt could help. */
    public void failed(Exchange exchange) {
        GatewayCall call = call(exchange);
        // a connection refused or a first-byte timeout ends the wait on the provider here, not in the provider route
        call.upstreamAnswered();
        FirstByteWatch.of(exchange).arrived();
        AttemptPlan plan = planOf(exchange);
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (refusedByBreaker(caught)) {
            // the route's breaker refused the call: open, or half-open with its trial calls taken
            plan.recordSkipped(call.current(), "circuit " + (health.circuitState(call.provider())
                    == CircuitBreaker.State.HALF_OPEN ? "half-open, its trial calls in flight" : "open"));
            RequestTrace.of(exchange).attemptFailed("circuit_open", null);
            if (!plan.hasNextAttempt()) {
                throw ProvidersExhausted.of(noneLeft(call, plan));
            }
            return;
        }
        // what judge classified inside the provider route's breaker comes back as itself
        GatewayException error = classify(exchange, call);
        plan.recordFailure(error);
        RequestTrace.of(exchange).attemptFailed(error.kind().code() == null ? error.kind().type()
                : error.kind().code(), error.upstreamStatus());
        if (error.retryAfterSeconds() != null && providerFault(call, error)) {
            health.coolDown(call.provider(), error.retryAfterSeconds());
        }
        if (error.kind() == ErrorKind.CONTEXT_LENGTH_EXCEEDED) {
            plan.skipToLargerContextThan(call.current().model());
        } else if (!error.kind().retryable()) {
            throw error;
        }
        if (!plan.hasNextAttempt()) {
            throw ProvidersExhausted.of(error);
        }
    }

    /** The attempt's failure, classified in one place (dev.caravan.error), with what only this attempt knows. */
    /** The failure caught on {@code exchange}, classified as {@link #judge} does; for {@link BorrowedBreaker}. */
    static GatewayException judged(Exchange exchange) {
        return classify(exchange, call(exchange));
    }

    private static GatewayException classify(Exchange exchange, GatewayCall call) {
        FirstByteWatch watch = FirstByteWatch.of(exchange);
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
        return error;
    }

    private static boolean refusedByBreaker(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (t instanceof CallNotPermittedException) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code error} says something about the provider, for its breaker and its cool-down. */
    static boolean providerFault(GatewayCall call, GatewayException error) {
        return error.kind().retryable() && !callersAccount(call, error);
    }

    /**
     * A caller's own account (BYOK) refusing it, out of credit or rate-limited says nothing about the provider: it
     * must not open the circuit or cool the provider down for every other caller.
     */
    private static boolean callersAccount(GatewayCall call, GatewayException error) {
        return call.byok() && (error.kind() == ErrorKind.UPSTREAM_AUTHENTICATION
                || error.kind() == ErrorKind.RATE_LIMITED || Integer.valueOf(402).equals(error.upstreamStatus()));
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
