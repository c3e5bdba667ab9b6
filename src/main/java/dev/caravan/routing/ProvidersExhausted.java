package dev.caravan.routing;

import dev.caravan.error.GatewayException;

import java.util.Map;

/**
 * The failover chain ran out of attempts on errors other models or providers could fix (every provider down, busy,
 * rate-limited or with an open circuit). It answers the client exactly as the error it carries; its own class is for
 * routes: a hand-written chain's {@code failoverLoadBalancer} lists it as the one exception to fail over on
 * (routes/chains/), so a request the client got wrong (a 400, a 401 from its own key) is not sent on to the next
 * branch to fail the same way.
 */
public final class ProvidersExhausted extends GatewayException {

    private final transient GatewayException last;

    private ProvidersExhausted(GatewayException last) {
        super(last.kind(), last.getMessage(), last.param(), last.provider(), last.retryAfterSeconds(),
                last.upstreamStatus());
        this.last = last;
    }

    /** {@code error} as the end of the plan, when another model or provider could have answered; else itself. */
    static GatewayException of(GatewayException error) {
        return error instanceof ProvidersExhausted || !error.kind().retryable() ? error : new ProvidersExhausted(error);
    }

    @Override
    public Map<String, String> headers() {
        return last.headers();
    }
}
