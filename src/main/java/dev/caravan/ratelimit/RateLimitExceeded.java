package dev.caravan.ratelimit;

import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;

import java.util.Collections;
import java.util.Map;

/** The 429 for a request over its key's or project's rate limit, with {@code Retry-After} and the limit's headers. */
public final class RateLimitExceeded extends GatewayException {

    private final transient Map<String, String> headers;

    RateLimitExceeded(String message, long retryAfterSeconds, Map<String, String> headers) {
        super(ErrorKind.GATEWAY_RATE_LIMITED, message, null, null, retryAfterSeconds);
        this.headers = Collections.unmodifiableMap(headers);
    }

    @Override
    public Map<String, String> headers() {
        return headers;
    }
}
