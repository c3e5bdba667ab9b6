package dev.caravan.admin;

import dev.caravan.canonical.Json;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.util.List;

/** Writes admin API answers: JSON, nothing of the request echoed back. */
final class AdminResponse {

    private AdminResponse() {
    }

    static void write(Exchange exchange, int status, Object body) {
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(Json.write(body));
    }

    static void ok(Exchange exchange, Object body) {
        write(exchange, 200, body);
    }

    static void list(Exchange exchange, List<?> items) {
        write(exchange, 200, new ListView<>("list", items));
    }

    static GatewayException notFound(String what, String id) {
        return new GatewayException(ErrorKind.NOT_FOUND, "No " + what + " with id '" + id + "'.");
    }

    /** OpenAI's list shape, as {@code GET /v1/models} answers. */
    record ListView<T>(String object, List<T> data) {
    }

    /** What a DELETE answers, in OpenAI's shape. */
    record Deleted(String id, String object, boolean deleted) {
    }
}
