package dev.caravan.routing;

import dev.caravan.error.GatewayException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.concurrent.TimeUnit;

/**
 * The provider's one circuit breaker, used by its embeddings and image routes ({@code direct:embeddings-<name>},
 * {@code direct:images-<name>}): those calls go to the same provider, so their failures must open the same circuit
 * and an open circuit must refuse them too. The breaker is the one the provider's chat route's circuitBreaker EIP
 * holds ({@link ProviderBreakers}); a second EIP cannot share its node id, and a second breaker would let a provider
 * that fails every embedding stay "closed" for chat. The route calls {@link #acquire} before its HTTP call,
 * {@link #succeeded} after the answer is read, and {@link #failed} in its {@code doCatch}; a provider whose chat
 * route has no breaker (or none running) is called without one.
 */
@Component("borrowedBreaker")
public class BorrowedBreaker {

    /** The breaker and the time this attempt's call was let through, until it is counted. */
    static final String PROPERTY = "caravanBorrowedBreaker";

    private record Taken(CircuitBreaker breaker, long startNanos) {
    }

    private final ProviderBreakers breakers;

    public BorrowedBreaker(ProviderBreakers breakers) {
        this.breakers = breakers;
    }

    /** Lets the call through, or refuses it as the EIP would when the circuit is open (or half-open and busy). */
    public void acquire(Exchange exchange) {
        String provider = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class).provider();
        CircuitBreaker breaker = breakers.of(provider).orElse(null);
        if (breaker == null) {
            return;
        }
        if (!breaker.tryAcquirePermission()) {
            throw CallNotPermittedException.createCallNotPermittedException(breaker);
        }
        exchange.setProperty(PROPERTY, new Taken(breaker, System.nanoTime()));
    }

    public void succeeded(Exchange exchange) {
        Taken taken = exchange.getProperty(PROPERTY, Taken.class);
        if (taken != null) {
            exchange.removeProperty(PROPERTY);
            taken.breaker().onSuccess(System.nanoTime() - taken.startNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Counts the failed call as the chat route's breaker would: a failure only the provider could cause as one,
     * the request's own error as a call that worked; then raises the classified error for the chain.
     */
    public void failed(Exchange exchange) {
        GatewayException error = Failover.judged(exchange);
        Taken taken = exchange.getProperty(PROPERTY, Taken.class);
        if (taken != null) {
            exchange.removeProperty(PROPERTY);
            long nanos = System.nanoTime() - taken.startNanos();
            if (Failover.providerFault(exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class), error)) {
                taken.breaker().onError(nanos, TimeUnit.NANOSECONDS, error);
            } else {
                taken.breaker().onSuccess(nanos, TimeUnit.NANOSECONDS);
            }
        }
        throw error;
    }
}
