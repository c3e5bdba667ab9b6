package dev.caravan.format.anthropic;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.ErrorResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Json;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every gateway error kind in Anthropic's error shape, with the status Anthropic's clients expect for its type. */
class MessagesErrorsTest {

    @ParameterizedTest
    @CsvSource({
            "INVALID_REQUEST,          400, invalid_request_error",
            "CONTEXT_LENGTH_EXCEEDED,  400, invalid_request_error",
            "MAX_COST_EXCEEDED,        400, invalid_request_error",
            "AUTHENTICATION,           401, authentication_error",
            "BUDGET_EXCEEDED,          402, billing_error",
            "PERMISSION_DENIED,        403, permission_error",
            "MODEL_NOT_FOUND,          404, not_found_error",
            "NOT_FOUND,                404, not_found_error",
            "METHOD_NOT_ALLOWED,       405, invalid_request_error",
            "CONFLICT,                 409, invalid_request_error",
            "PAYLOAD_TOO_LARGE,        413, request_too_large",
            "UNSUPPORTED_MEDIA_TYPE,   415, invalid_request_error",
            "RATE_LIMITED,             429, rate_limit_error",
            "GATEWAY_RATE_LIMITED,     429, rate_limit_error",
            "INTERNAL,                 500, api_error",
            "UPSTREAM_AUTHENTICATION,  502, api_error",
            "UPSTREAM_UNAVAILABLE,     502, api_error",
            "STORE_UNAVAILABLE,        503, api_error",
            "BUDGET_UNAVAILABLE,       503, api_error",
            "IDENTITY_PROVIDER_UNAVAILABLE, 503, api_error",
            "UPSTREAM_OVERLOADED,      529, overloaded_error",
            "NO_PROVIDER_AVAILABLE,    529, overloaded_error",
            "UPSTREAM_TIMEOUT,         504, timeout_error",
    })
    void maps_each_error_kind_to_anthropics_type_and_status(ErrorKind kind, int status, String type) {
        assertThat(MessagesErrors.of(kind)).isEqualTo(new MessagesErrors.Mapping(status, type));
    }

    /** The SDK picks its exception by status and retries 5xx: the gateway's failures must not look like 4xx. */
    @ParameterizedTest
    @EnumSource(ErrorKind.class)
    void keeps_the_class_of_every_status_and_writes_a_type_the_sdk_knows(ErrorKind kind) throws Exception {
        MessagesErrors.Mapping mapping = MessagesErrors.of(kind);
        assertThat(mapping.status() / 100).isEqualTo(kind.status() / 100);
        assertThat(mapping.type()).isIn(Set.of("invalid_request_error", "authentication_error", "billing_error",
                "permission_error", "not_found_error", "request_too_large", "rate_limit_error", "api_error",
                "overloaded_error", "timeout_error"));

        byte[] body = MessagesErrors.toJson(new GatewayException(kind, "something went wrong"));

        // request_too_large is what Anthropic's edge really sends for 413, though the SDK's error union omits it
        // (the SDK raises by status, so a client still gets its 413 exception)
        if (kind != ErrorKind.PAYLOAD_TOO_LARGE) {
            ObjectMappers.jsonMapper().readValue(body, ErrorResponse.class).validate();
        }
    }

    @Test
    void writes_the_error_envelope_with_the_exceptions_message() {
        JsonNode body = Json.tree(MessagesErrors.toJson(GatewayException.modelNotFound("claude-nope")));

        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("not_found_error");
        assertThat(body.path("error").path("message").asText()).contains("claude-nope");
        assertThat(body.size()).isEqualTo(2);
    }
}
