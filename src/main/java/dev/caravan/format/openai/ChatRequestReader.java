package dev.caravan.format.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.format.JsonInput;

import java.io.IOException;
import java.io.Reader;
import java.util.Set;

/**
 * Reads and checks a chat request body. Errors name the field at fault in words a client developer can act on,
 * never Jackson's internals.
 */
public final class ChatRequestReader {

    /**
     * One JSON object and nothing after it (a second document or garbage behind the body is refused, not ignored),
     * and whole numbers where the wire has integers: Jackson would otherwise read {@code max_tokens: 1.5} as 1.
     */
    private static final ObjectReader READER = Json.MAPPER.readerFor(ChatRequest.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    private ChatRequestReader() {
    }

    public static ChatRequest read(Reader body, long maxChars) {
        if (body == null) {
            throw GatewayException.invalid("The request body is empty; send a JSON chat completion request.", null);
        }
        ChatRequest request;
        try {
            request = READER.readValue(new BoundedReader(body, maxChars));
        } catch (BoundedReader.TooLarge e) {
            throw new GatewayException(ErrorKind.PAYLOAD_TOO_LARGE,
                    "The request body is larger than the gateway accepts (" + maxChars + " bytes).");
        } catch (JsonProcessingException e) {
            throw GatewayException.invalid(describe(e), JsonInput.path(e));
        } catch (IOException e) {
            throw GatewayException.invalid("The request body could not be read.", null);
        }
        if (request == null) {
            throw GatewayException.invalid("The request body is empty; send a JSON chat completion request.", null);
        }
        validate(request);
        return request;
    }

    static void validate(ChatRequest request) {
        if (request.model() == null || request.model().isBlank()) {
            throw GatewayException.invalid("'model' is required, e.g. \"openai/gpt-5-mini\".", "model");
        }
        if (request.messages() == null || request.messages().isEmpty()) {
            throw GatewayException.invalid("'messages' is required and must contain at least one message.",
                    "messages");
        }
        for (int i = 0; i < request.messages().size(); i++) {
            Message message = request.messages().get(i);
            if (message == null || message.role() == null || !ROLES.contains(message.role())) {
                throw GatewayException.invalid("messages[" + i + "].role must be one of " + ROLES + ".",
                        "messages[" + i + "].role");
            }
            if ("tool".equals(message.role()) && message.toolCallId() == null) {
                throw GatewayException.invalid("messages[" + i + "] has role 'tool' but no 'tool_call_id'.",
                        "messages[" + i + "].tool_call_id");
            }
        }
        if (request.n() != null && request.n() < 1) {
            throw GatewayException.invalid("'n' must be at least 1.", "n");
        }
        requirePositive(request.maxTokens(), "max_tokens");
        requirePositive(request.maxCompletionTokens(), "max_completion_tokens");
    }

    /** Zero or negative token limits were forwarded to providers, which answer them with errors of their own. */
    private static void requirePositive(Integer limit, String field) {
        if (limit != null && limit < 1) {
            throw GatewayException.invalid("'" + field + "' must be a positive integer.", field);
        }
    }

    private static String describe(JsonProcessingException e) {
        if (e instanceof ValueInstantiationException && e.getCause() instanceof IllegalArgumentException invalid) {
            // our own creators' messages, written for clients; any other cause is an internal matter
            return "Invalid request: " + invalid.getMessage() + ".";
        }
        if (JsonInput.trailingData(e)) {
            return JsonInput.TRAILING_DATA;
        }
        if (e instanceof MismatchedInputException) {
            String path = JsonInput.path(e);
            return path == null ? "The request body must be a JSON object."
                    : "'" + path + "' has the wrong type.";
        }
        if (e instanceof JsonMappingException) {
            return "The request body is not a valid chat completion request.";
        }
        return JsonInput.notJson(e);
    }
}
