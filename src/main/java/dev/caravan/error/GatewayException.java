package dev.caravan.error;

import java.util.Map;

/**
 * An error the client is meant to see. Its message is written to the client as it is, so it must never carry a
 * key, a stack trace or an internal address; {@link ErrorResponder} turns anything else into a generic 500.
 * Stack traces are not filled in: these are expected outcomes on the hot path, not bugs.
 */
public class GatewayException extends RuntimeException {

    private final ErrorKind kind;
    private final String param;
    private final String provider;
    private final Long retryAfterSeconds;
    private final Integer upstreamStatus;

    public GatewayException(ErrorKind kind, String message) {
        this(kind, message, null, null, null, null);
    }

    public GatewayException(ErrorKind kind, String message, String param, String provider, Long retryAfterSeconds) {
        this(kind, message, param, provider, retryAfterSeconds, null);
    }

    public GatewayException(ErrorKind kind, String message, String param, String provider, Long retryAfterSeconds,
                            Integer upstreamStatus) {
        super(message, null, false, false);
        this.kind = kind;
        this.param = param;
        this.provider = provider;
        this.retryAfterSeconds = retryAfterSeconds;
        this.upstreamStatus = upstreamStatus;
    }

    public static GatewayException invalid(String message, String param) {
        return new GatewayException(ErrorKind.INVALID_REQUEST, message, param, null, null);
    }

    /** 404 for a model id (or tier) the gateway does not serve, pointing to where the served ones are listed. */
    public static GatewayException modelNotFound(String model) {
        return new GatewayException(ErrorKind.MODEL_NOT_FOUND, "The model '" + model + "' does not exist or is not "
                + "served by this gateway; GET /v1/models lists the models.", "model", null, null);
    }

    /** This error with {@code secret} cut out of its message; itself when the message does not contain it. */
    public GatewayException without(String secret) {
        if (secret == null || secret.isEmpty() || getMessage() == null || !getMessage().contains(secret)) {
            return this;
        }
        return new GatewayException(kind, getMessage().replace(secret, "[credential]"), param, provider,
                retryAfterSeconds, upstreamStatus);
    }

    public ErrorKind kind() {
        return kind;
    }

    public String param() {
        return param;
    }

    /** The provider that caused the error, or null when the gateway itself refused the request. */
    public String provider() {
        return provider;
    }

    /** Headers the error response carries besides {@code Retry-After} (a rate limit's {@code x-ratelimit-*}). */
    public Map<String, String> headers() {
        return Map.of();
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The provider's HTTP status when it answered with an error; null for transport failures and our own. */
    public Integer upstreamStatus() {
        return upstreamStatus;
    }
}
