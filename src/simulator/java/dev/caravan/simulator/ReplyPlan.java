package dev.caravan.simulator;

import java.util.List;

/**
 * A {@link Reply} with everything that does not depend on the request worked out once (stream pieces, finish reason,
 * token counts), so the per-request path only formats strings. Built at enqueue time; the default one lives as long
 * as the simulator.
 */
final class ReplyPlan {

    private static final String[] NONE = new String[0];

    final Reply reply;
    final String[] textPieces;
    final String[] reasoningPieces;
    /** Each tool call's arguments split like the text: OpenAI and Anthropic stream arguments as fragments. */
    final String[][] argumentPieces;
    final String[] toolIds;
    /** Arguments re-serialised compactly: formats that embed them as an object must not put newlines in SSE lines. */
    final String[] argumentObjects;
    /** Canonical: stop, length, tool_calls, content_filter, or a caller-supplied value. */
    final String finish;
    final int completionTokens;
    final int reasoningTokens;
    /** How many content pieces a stream paces with {@code chunkDelayMs}; a non-stream answer waits as long. */
    final int pacedPieces;

    ReplyPlan(Reply reply) {
        this.reply = reply;
        this.textPieces = split(reply.text(), reply.chunks());
        this.reasoningPieces = split(reply.reasoning(), reply.chunks());
        List<ToolCallSpec> calls = reply.toolCalls();
        this.argumentPieces = new String[calls.size()][];
        this.toolIds = new String[calls.size()];
        this.argumentObjects = new String[calls.size()];
        int toolTokens = 0;
        int argFragments = 0;
        for (int i = 0; i < calls.size(); i++) {
            ToolCallSpec call = calls.get(i);
            argumentPieces[i] = split(call.arguments(), reply.chunks());
            toolIds[i] = call.id();
            argumentObjects[i] = compact(call.arguments());
            toolTokens += Math.max(1, (call.name().length() + call.arguments().length()) / 4);
            argFragments += argumentPieces[i].length;
        }
        this.finish = reply.finishReason() != null ? reply.finishReason() : calls.isEmpty() ? "stop" : "tool_calls";
        this.reasoningTokens = reply.reasoningTokens() >= 0 ? reply.reasoningTokens() : words(reply.reasoning());
        this.completionTokens = reply.completionTokens() >= 0
                ? reply.completionTokens()
                : words(reply.text()) + reasoningTokens + toolTokens;
        this.pacedPieces = textPieces.length + reasoningPieces.length + argFragments;
    }

    boolean hasToolCalls() {
        return argumentPieces.length > 0;
    }

    ToolCallSpec tool(int i) {
        return reply.toolCalls().get(i);
    }

    /** The call id the request sees: the scripted one, or a fresh one with the format's prefix. */
    String toolId(int i, String prefix) {
        return toolIds[i] != null ? toolIds[i] : prefix + Ids.next();
    }

    /** Total generation time a non-stream answer should take, to mirror the stream's pacing. */
    long nonStreamDelayMs() {
        return reply.latencyMs() + reply.chunkDelayMs() * Math.max(0, pacedPieces - 1);
    }

    private static String compact(String json) {
        try {
            return Wire.MAPPER.readTree(json).toString();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Splits into at most n non-empty pieces of near-equal length, never inside a surrogate pair, so that the pieces
     * concatenate back to the original.
     */
    static String[] split(String s, int n) {
        if (s == null || s.isEmpty()) {
            return NONE;
        }
        int count = Math.min(n, s.length());
        String[] pieces = new String[count];
        int start = 0;
        int filled = 0;
        for (int i = 1; i <= count; i++) {
            int end = (int) ((long) s.length() * i / count);
            if (end < s.length() && end > start && Character.isHighSurrogate(s.charAt(end - 1))) {
                end++;
            }
            if (end > start) {
                pieces[filled++] = s.substring(start, end);
                start = end;
            }
        }
        return filled == count ? pieces : java.util.Arrays.copyOf(pieces, filled);
    }

    static int words(String s) {
        if (s == null) {
            return 0;
        }
        int count = 0;
        boolean inWord = false;
        for (int i = 0; i < s.length(); i++) {
            boolean space = Character.isWhitespace(s.charAt(i));
            if (!space && !inWord) {
                count++;
            }
            inWord = !space;
        }
        return count;
    }
}
