package dev.caravan.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * What the inbound formats' readers say when Jackson refuses a body, in words a client developer can act on and
 * never Jackson's own (which name our classes): where the fault is, and whether the body had data after it.
 */
public final class JsonInput {

    public static final String TRAILING_DATA =
            "The request body has data after its JSON object; send exactly one JSON object.";

    private JsonInput() {
    }

    /** The body had more after its JSON object (a second document, garbage): refused, not half-read. */
    public static boolean trailingData(JsonProcessingException e) {
        return e instanceof MismatchedInputException && e.getOriginalMessage().startsWith("Trailing token");
    }

    /** The JSON path of the field at fault, as {@code messages[0].content}, or null when there is none. */
    public static String path(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    /** The message for a body that is not JSON at all, with where the parser stopped when it knows. */
    public static String notJson(JsonProcessingException e) {
        var location = e.getLocation();
        return location == null ? "The request body is not valid JSON."
                : "The request body is not valid JSON (line " + location.getLineNr() + ", column "
                + location.getColumnNr() + ").";
    }
}
