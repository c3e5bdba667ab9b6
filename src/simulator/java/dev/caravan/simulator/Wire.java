package dev.caravan.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * One provider's wire format. Output is built by hand into a StringBuilder rather than through Jackson because the
 * simulator is the upstream of a throughput benchmark and must not be its bottleneck; Jackson only parses requests.
 */
abstract sealed class Wire permits OpenAiWire, AnthropicWire, GeminiWire {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Per-request facts a response needs besides the plan. */
    record Exchange(String model, int promptTokens, boolean includeUsage) {
    }

    /** Receives stream events in order; paced events are the content pieces spaced by {@code chunkDelayMs}. */
    interface Sink {
        void event(String sse, boolean paced) throws IOException;
    }

    /** A request-shape problem in the provider's own words, or null when the request is acceptable. */
    abstract String validate(JsonNode body);

    abstract boolean wantsStream(JsonNode body);

    boolean wantsUsageInStream(JsonNode body) {
        return false;
    }

    abstract String model(JsonNode body);

    /**
     * The most output tokens (reasoning included) the request lets this provider generate and bill, as the provider
     * counts them; -1 when it sets no limit. What {@link Reply#billingWholeAllowance()} bills.
     */
    abstract int outputAllowance(JsonNode body);

    /** Deterministic prompt size: characters of the message texts / 4, at least 1. */
    abstract int estimatePromptTokens(JsonNode body);

    abstract String invalidJsonMessage();

    abstract String errorBody(int status, String message);

    abstract String completion(ReplyPlan plan, Exchange ex);

    abstract void stream(ReplyPlan plan, Exchange ex, Sink sink) throws IOException;

    static int tokensFromChars(long chars) {
        return (int) Math.max(1, chars / 4);
    }

    /** Characters of text in a content value that is either a string or an array of blocks/parts with "text". */
    static long textChars(JsonNode content) {
        if (content == null) {
            return 0;
        }
        if (content.isTextual()) {
            return content.textValue().length();
        }
        long chars = 0;
        if (content.isArray()) {
            for (JsonNode part : content) {
                JsonNode text = part.get("text");
                if (text != null && text.isTextual()) {
                    chars += text.textValue().length();
                }
            }
        }
        return chars;
    }

    static String textOr(JsonNode node, String fallback) {
        return node != null && node.isTextual() && !node.textValue().isEmpty() ? node.textValue() : fallback;
    }

    static long epochSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    /** Appends s as a JSON string literal, or null. */
    static StringBuilder str(StringBuilder sb, String s) {
        if (s == null) {
            return sb.append("null");
        }
        sb.append('"');
        int len = s.length();
        int run = 0;
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && c != 0x2028 && c != 0x2029) {
                continue;
            }
            sb.append(s, run, i);
            run = i + 1;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.append(s, run, len).append('"');
    }

    static String quoted(String s) {
        return str(new StringBuilder(s == null ? 4 : s.length() + 8), s).toString();
    }
}
