package dev.caravan.format.aisdk;

import dev.caravan.canonical.Json;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's errors in the JSON shape {@code @ai-sdk/gateway} reads, {@code {"error":{"message","type","param",
 * "code"}}}, with the {@code type} it picks its error class by ({@code createGatewayErrorFromResponse}):
 * {@code authentication_error} → GatewayAuthenticationError, {@code invalid_request_error} →
 * GatewayInvalidRequestError, {@code rate_limit_exceeded} → GatewayRateLimitError, {@code model_not_found} (with
 * {@code param.modelId}) → GatewayModelNotFoundError, {@code forbidden} → GatewayForbiddenError, {@code not_found} →
 * GatewayNotFoundError, {@code internal_server_error} → GatewayInternalServerError. A body the SDK cannot parse is
 * its GatewayResponseError, which the gateway never sends. The failure is classified once, by
 * {@link dev.caravan.error.ErrorResponder}; this is only its form on this API.
 */
public final class AiSdkErrors {

    private AiSdkErrors() {
    }

    /** The SDK's error type for a kind; exhaustive, so a new kind does not compile until it has an AI SDK form. */
    public static String type(ErrorKind kind) {
        return switch (kind) {
            case INVALID_REQUEST, CONTEXT_LENGTH_EXCEEDED, MAX_COST_EXCEEDED, METHOD_NOT_ALLOWED, CONFLICT,
                 PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE,
                 // a budget refusal is the caller's to fix, not the gateway's failure: never a server error
                 BUDGET_EXCEEDED -> "invalid_request_error";
            case AUTHENTICATION -> "authentication_error";
            case PERMISSION_DENIED -> "forbidden";
            case MODEL_NOT_FOUND -> "model_not_found";
            case NOT_FOUND -> "not_found";
            case RATE_LIMITED, GATEWAY_RATE_LIMITED -> "rate_limit_exceeded";
            case INTERNAL, UPSTREAM_AUTHENTICATION, UPSTREAM_UNAVAILABLE, UPSTREAM_OVERLOADED, STORE_UNAVAILABLE,
                 BUDGET_UNAVAILABLE, IDENTITY_PROVIDER_UNAVAILABLE, NO_PROVIDER_AVAILABLE, UPSTREAM_TIMEOUT ->
                    "internal_server_error";
        };
    }

    /**
     * The error body. {@code modelId} is the model asked for, which GatewayModelNotFoundError reports from
     * {@code param.modelId}; elsewhere {@code param} is the request field at fault, as on the OpenAI routes. The
     * message is the exception's, written for clients (no keys, no internals).
     */
    public static Map<String, Object> toBody(GatewayException e, String modelId) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", e.getMessage());
        error.put("type", type(e.kind()));
        error.put("param", e.kind() == ErrorKind.MODEL_NOT_FOUND && modelId != null ? Map.of("modelId", modelId)
                : e.param());
        error.put("code", e.kind().code());
        return Map.of("error", error);
    }

    public static byte[] toJson(GatewayException e, String modelId) {
        return Json.write(toBody(e, modelId));
    }
}
