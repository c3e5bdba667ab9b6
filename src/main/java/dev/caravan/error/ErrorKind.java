package dev.caravan.error;

/**
 * Every error the gateway returns, with its HTTP status and the {@code type} and {@code code} of OpenAI's error
 * shape. The types are the ones OpenAI clients and the AI SDK's gateway provider map to error classes.
 * {@code retryable} says whether another provider could succeed where this one failed (the failover rule).
 */
public enum ErrorKind {
    INVALID_REQUEST(400, "invalid_request_error", null, false),
    CONTEXT_LENGTH_EXCEEDED(400, "invalid_request_error", "context_length_exceeded", false),
    AUTHENTICATION(401, "authentication_error", "invalid_api_key", false),
    /** The request's worst-case cost is above its own {@code maxCost}. */
    MAX_COST_EXCEEDED(400, "invalid_request_error", "max_cost_exceeded", false),
    /**
     * A valid credential that may not do this (a model or API its scope leaves out), or an API that is switched off
     * (the admin API without its key).
     */
    PERMISSION_DENIED(403, "permission_error", "permission_denied", false),
    MODEL_NOT_FOUND(404, "model_not_found", "model_not_found", false),
    NOT_FOUND(404, "invalid_request_error", "not_found", false),
    METHOD_NOT_ALLOWED(405, "invalid_request_error", "method_not_allowed", false),
    /** What the request would create exists already (a second budget for the same key, project or user). */
    CONFLICT(409, "invalid_request_error", "conflict", false),
    PAYLOAD_TOO_LARGE(413, "invalid_request_error", "request_too_large", false),
    UNSUPPORTED_MEDIA_TYPE(415, "invalid_request_error", "unsupported_media_type", false),
    /** A budget of the caller's key, project or end user refused the request (OpenAI's "out of credit" type). */
    BUDGET_EXCEEDED(402, "insufficient_quota", "budget_exceeded", false),
    RATE_LIMITED(429, "rate_limit_exceeded", "rate_limit_exceeded", true),
    /** The caller's own key or project rate limit: no other provider would help, so never retried. */
    GATEWAY_RATE_LIMITED(429, "rate_limit_exceeded", "rate_limit_exceeded", false),
    INTERNAL(500, "internal_server_error", "internal_error", false),
    /** The provider rejected the gateway's own credential: an operator's problem, not the client's. */
    UPSTREAM_AUTHENTICATION(502, "api_error", "provider_authentication_failed", true),
    UPSTREAM_UNAVAILABLE(502, "api_error", "provider_unavailable", true),
    UPSTREAM_OVERLOADED(503, "api_error", "provider_overloaded", true),
    /** Budgets could not be checked (Redis or the database unreachable): refused rather than risk overspending. */
    /** The database behind keys and budgets cannot be read, and no cached answer is fresh enough to use. */
    STORE_UNAVAILABLE(503, "api_error", "store_unavailable", false),
    BUDGET_UNAVAILABLE(503, "api_error", "budget_unavailable", false),
    /** A trusted identity provider's keys cannot be fetched and none are cached: the token cannot be checked yet. */
    IDENTITY_PROVIDER_UNAVAILABLE(503, "api_error", "identity_provider_unavailable", false),
    /** Every provider that could serve was left out (open circuits, cool-downs) without being called. */
    NO_PROVIDER_AVAILABLE(503, "api_error", "no_provider_available", true),
    UPSTREAM_TIMEOUT(504, "api_error", "provider_timeout", true);

    private final int status;
    private final String type;
    private final String code;
    private final boolean retryable;

    ErrorKind(int status, String type, String code, boolean retryable) {
        this.status = status;
        this.type = type;
        this.code = code;
        this.retryable = retryable;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }
}
