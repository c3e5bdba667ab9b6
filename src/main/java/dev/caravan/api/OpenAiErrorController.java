package dev.caravan.api;

import dev.caravan.canonical.Json;
import dev.caravan.format.openai.ErrorBody;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised before any route runs (an unknown path, a wrong method) in the same OpenAI shape as the rest, instead
 * of Spring's default page.
 */
@RestController
public class OpenAiErrorController implements ErrorController {

    @RequestMapping("/error")
    public ResponseEntity<byte[]> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 500;
        ErrorKind kind = switch (status) {
            case 404 -> ErrorKind.NOT_FOUND;
            case 405 -> ErrorKind.METHOD_NOT_ALLOWED;
            case 413 -> ErrorKind.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorKind.UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 500 ? ErrorKind.INTERNAL : ErrorKind.INVALID_REQUEST;
        };
        String message = switch (kind) {
            case NOT_FOUND -> "No such endpoint: " + request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
            case METHOD_NOT_ALLOWED -> "This endpoint does not accept that HTTP method.";
            case INTERNAL -> "The gateway failed to process the request.";
            default -> "The request was not accepted (HTTP " + status + ").";
        };
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(Json.write(ErrorBody.of(new GatewayException(kind, message))));
    }
}
