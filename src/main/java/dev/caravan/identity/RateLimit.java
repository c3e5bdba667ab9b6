package dev.caravan.identity;

/**
 * A rate limit as configured on a key or a project; a null field means no limit of that kind.
 *
 * @param requestsPerMinute requests that may start per minute
 * @param tokensPerMinute   tokens (input plus output) that may be used per minute
 */
public record RateLimit(Long requestsPerMinute, Long tokensPerMinute) {

    public static final RateLimit NONE = new RateLimit(null, null);

    public boolean limited() {
        return requestsPerMinute != null || tokensPerMinute != null;
    }
}
