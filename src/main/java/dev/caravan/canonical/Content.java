package dev.caravan.canonical;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Message content: OpenAI accepts a plain string or an array of parts. The form the client chose is kept, because
 * some OpenAI-compatible servers accept only the string form for text-only models.
 */
public record Content(String plain, List<ContentPart> parts) {

    public static Content of(String text) {
        return new Content(text, null);
    }

    @JsonCreator
    static Content fromJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return of(node.textValue());
        }
        if (node.isArray()) {
            List<ContentPart> parts = new ArrayList<>(node.size());
            for (JsonNode part : node) {
                parts.add(Json.convert(part, ContentPart.class));
            }
            return new Content(null, parts);
        }
        throw new IllegalArgumentException("message content must be a string or an array of parts");
    }

    @JsonValue
    Object toJson() {
        return plain != null ? plain : parts;
    }

    /** Parts in array form, a plain string becoming one text part. */
    public List<ContentPart> asParts() {
        return parts != null ? parts : List.of(ContentPart.text(plain));
    }

    /** All text parts joined with newlines. */
    public String text() {
        if (plain != null) {
            return plain;
        }
        StringBuilder sb = new StringBuilder();
        for (ContentPart part : parts) {
            if (part.text() != null) {
                if (!sb.isEmpty()) {
                    sb.append('\n');
                }
                sb.append(part.text());
            }
        }
        return sb.toString();
    }
}
