package dev.caravan.format.anthropic;

import dev.caravan.canonical.Json;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.format.anthropic.AnthropicWire.ErrorBody;

/**
 * The gateway's errors in Anthropic's shape, {@code {"type":"error","error":{"type","message"}}}, with the status
 * codes Anthropic uses for each type, for the {@code /v1/messages} route only. Anthropic's SDKs pick their exception
 * class by status and retry 408, 409, 429 and 5xx, so statuses matter as much as types: overload is 529, as Claude
 * Code knows it, and the gateway's own 5xx stay 5xx.
 */
public final class MessagesErrors {

    /** An Anthropic error type and the status it is sent with. */
    public record Mapping(int status, String type) {
    }

    private MessagesErrors() {
    }

    /** The one table; exhaustive, so a new error kind does not compile until it has an Anthropic form. */
    public static Mapping of(ErrorKind kind) {
        return switch (kind) {
            case INVALID_REQUEST, CONTEXT_LENGTH_EXCEEDED, MAX_COST_EXCEEDED, METHOD_NOT_ALLOWED, CONFLICT,
                 UNSUPPORTED_MEDIA_TYPE -> new Mapping(kind.status(), "invalid_request_error");
            case AUTHENTICATION -> new Mapping(401, "authentication_error");
            case BUDGET_EXCEEDED -> new Mapping(402, "billing_error");
            case PERMISSION_DENIED -> new Mapping(403, "permission_error");
            case MODEL_NOT_FOUND, NOT_FOUND -> new Mapping(404, "not_found_error");
            case PAYLOAD_TOO_LARGE -> new Mapping(413, "request_too_large");
            case RATE_LIMITED, GATEWAY_RATE_LIMITED -> new Mapping(429, "rate_limit_error");
            case INTERNAL, UPSTREAM_AUTHENTICATION, UPSTREAM_UNAVAILABLE, STORE_UNAVAILABLE, BUDGET_UNAVAILABLE,
                 IDENTITY_PROVIDER_UNAVAILABLE ->
                    new Mapping(kind.status(), "api_error");
            case UPSTREAM_OVERLOADED, NO_PROVIDER_AVAILABLE -> new Mapping(529, "overloaded_error");
            case UPSTREAM_TIMEOUT -> new Mapping(504, "timeout_error");
        };
    }

    /** The error body; the message is the exception's, which is written for clients (no keys, no internals). */
    public static byte[] toJson(GatewayException e) {
        return Json.write(toBody(e));
    }

    static ErrorBody toBody(GatewayException e) {
        return ErrorBody.of(of(e.kind()).type(), e.getMessage());
    }
}
