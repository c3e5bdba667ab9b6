package dev.caravan.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Edits top-level fields of a JSON object in its own bytes: a value replaced, a field removed, and every other byte
 * left as it was (whitespace, key order, number spellings, escapes, fields nobody here knows). A pass-through needs
 * exactly that: re-serialising a parsed body would reorder, re-escape and renumber what a provider signed or caches
 * on (Anthropic's thinking signatures and prompt-cache prefixes). A key given more than once is edited everywhere it
 * occurs, so no reader that keeps the first or the last occurrence sees the client's value.
 */
public final class JsonSplice {

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonSplice() {
    }

    /** One byte range of the input and what takes its place. */
    private record Edit(int from, int to, byte[] with) {
    }

    /**
     * {@code json} (a JSON object) with the value of each top-level key in {@code replace} set to the given JSON
     * text, and each top-level field named in {@code remove} left out with its comma. A key of {@code replace} that
     * the object lacks is not added.
     *
     * @throws IllegalArgumentException when {@code json} is not one JSON object
     */
    public static byte[] edit(byte[] json, Map<String, byte[]> replace, Set<String> remove) {
        List<Edit> edits = new ArrayList<>();
        try (JsonParser parser = FACTORY.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            JsonToken token;
            // a removed field takes the comma before it; a run of removed fields at the start, the one after it
            int previousEnd = -1;
            int leadingRemoval = -1;
            boolean kept = false;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                int nameStart = (int) parser.currentTokenLocation().getByteOffset();
                parser.nextToken();
                int valueStart = (int) parser.currentTokenLocation().getByteOffset();
                if (parser.currentToken().isStructStart()) {
                    parser.skipChildren();
                } else {
                    // strings are read lazily: the value's end is known only once it is read
                    parser.finishToken();
                }
                int valueEnd = (int) parser.currentLocation().getByteOffset();
                if (remove.contains(name)) {
                    if (kept) {
                        edits.add(new Edit(previousEnd, valueEnd, new byte[0]));
                    } else if (leadingRemoval < 0) {
                        leadingRemoval = nameStart;
                    }
                } else {
                    if (leadingRemoval >= 0) {
                        edits.add(new Edit(leadingRemoval, nameStart, new byte[0]));
                        leadingRemoval = -1;
                    }
                    kept = true;
                    if (replace.containsKey(name)) {
                        edits.add(new Edit(valueStart, valueEnd, replace.get(name)));
                    }
                }
                previousEnd = valueEnd;
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new IllegalArgumentException("not one JSON object");
            }
            if (leadingRemoval >= 0) {
                edits.add(new Edit(leadingRemoval, previousEnd, new byte[0]));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
        return apply(json, edits);
    }

    /**
     * {@code json} with the value at {@code path} (keys of nested objects, each the first of its name) set to
     * {@code value}; unchanged when the path is not there. For small documents such as one stream event.
     */
    public static byte[] replaceAt(byte[] json, List<String> path, byte[] value) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return json;
            }
            int depth = 0;
            while (depth < path.size()) {
                JsonToken token = parser.nextToken();
                if (token != JsonToken.FIELD_NAME) {
                    return json;
                }
                boolean wanted = parser.currentName().equals(path.get(depth));
                parser.nextToken();
                int valueStart = (int) parser.currentTokenLocation().getByteOffset();
                if (wanted && depth == path.size() - 1) {
                    if (parser.currentToken().isStructStart()) {
                        parser.skipChildren();
                    } else {
                        parser.finishToken();
                    }
                    int valueEnd = (int) parser.currentLocation().getByteOffset();
                    return apply(json, List.of(new Edit(valueStart, valueEnd, value)));
                }
                if (wanted && parser.currentToken() == JsonToken.START_OBJECT) {
                    depth++;
                } else {
                    parser.skipChildren();
                }
            }
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] apply(byte[] json, List<Edit> edits) {
        if (edits.isEmpty()) {
            return json;
        }
        List<Edit> ordered = new ArrayList<>(edits);
        ordered.sort(Comparator.comparingInt(Edit::from));
        // edits never overlap: each removal ends where the next field's range begins
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 64);
        int at = 0;
        for (Edit edit : ordered) {
            out.write(json, at, edit.from() - at);
            out.writeBytes(edit.with());
            at = edit.to();
        }
        out.write(json, at, json.length - at);
        return out.toByteArray();
    }
}
