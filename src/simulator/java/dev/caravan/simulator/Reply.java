package dev.caravan.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One scripted answer (or fault) for the next request, in a provider-neutral form that each wire format renders in its
 * own shape. Immutable: every fluent method returns a modified copy, so a Reply can be enqueued more than once.
 *
 * <p>Token counts use -1 for "derive it": prompt tokens are estimated from the request, completion tokens from the
 * reply. The prompt count is the total input including cached tokens (OpenAI and Gemini semantics); Anthropic's
 * {@code input_tokens} is rendered as prompt minus cache reads minus cache writes.
 *
 * <p>Finish reasons are the canonical {@code stop|length|tool_calls|content_filter} (Anthropic renders
 * content_filter as {@code refusal}); {@code stop_sequence} becomes Anthropic's own and plain stop elsewhere; any
 * other value is passed through verbatim to every format.
 */
public record Reply(
        Kind kind,
        String text,
        String reasoning,
        List<ToolCallSpec> toolCalls,
        int chunks,
        String finishReason,
        int promptTokens,
        int completionTokens,
        int cachedTokens,
        int cacheWriteTokens,
        int reasoningTokens,
        int status,
        String errorMessage,
        int retryAfterSeconds,
        int cutAfterChunks,
        long latencyMs,
        long chunkDelayMs,
        boolean omitUsage) {

    public enum Kind {
        /** A normal answer: text, reasoning and/or tool calls. */
        CONTENT,
        /** An HTTP error in the endpoint's own error shape. */
        ERROR,
        /** The connection is reset before any response byte. */
        RESET,
        /** The request is read and never answered. */
        STALL
    }

    static final int DEFAULT_CHUNKS = 4;
    /** {@code completionTokens} meaning: the request's whole output allowance, see {@link #billingWholeAllowance}. */
    static final int WHOLE_ALLOWANCE = -2;

    public Reply {
        toolCalls = List.copyOf(toolCalls);
        if (chunks < 1) {
            throw new IllegalArgumentException("chunks must be >= 1");
        }
        if (latencyMs < 0 || chunkDelayMs < 0) {
            throw new IllegalArgumentException("delays must be >= 0");
        }
    }

    public static Reply text(String text) {
        return content(text, null, List.of());
    }

    public static Reply reasoning(String reasoning) {
        return content(null, reasoning, List.of());
    }

    public static Reply toolCalls(ToolCallSpec... calls) {
        return content(null, null, List.of(calls));
    }

    public static Reply error(int status, String message) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("error status must be 4xx or 5xx: " + status);
        }
        return new Reply(Kind.ERROR, null, null, List.of(), DEFAULT_CHUNKS, null, -1, -1, 0, 0, -1,
                status, message, -1, -1, 0, 0, false);
    }

    public static Reply reset() {
        return new Reply(Kind.RESET, null, null, List.of(), DEFAULT_CHUNKS, null, -1, -1, 0, 0, -1,
                0, null, -1, -1, 0, 0, false);
    }

    public static Reply stall() {
        return new Reply(Kind.STALL, null, null, List.of(), DEFAULT_CHUNKS, null, -1, -1, 0, 0, -1,
                0, null, -1, -1, 0, 0, false);
    }

    private static Reply content(String text, String reasoning, List<ToolCallSpec> calls) {
        return new Reply(Kind.CONTENT, text, reasoning, calls, DEFAULT_CHUNKS, null, -1, -1, 0, 0, -1,
                0, null, -1, -1, 0, 0, false);
    }

    // Named with* because a static factory and an instance method cannot share a signature in Java.
    public Reply withText(String value) {
        return edit(d -> d.text = value);
    }

    public Reply withReasoning(String value) {
        return edit(d -> d.reasoning = value);
    }

    public Reply withToolCalls(ToolCallSpec... calls) {
        return edit(d -> {
            List<ToolCallSpec> all = new ArrayList<>(d.toolCalls);
            all.addAll(List.of(calls));
            d.toolCalls = all;
        });
    }

    /** Number of stream pieces the text (and the reasoning, and each tool call's arguments) is split into. */
    public Reply chunks(int n) {
        return edit(d -> d.chunks = n);
    }

    public Reply finishReason(String reason) {
        return edit(d -> d.finishReason = reason);
    }

    public Reply usage(int prompt, int completion) {
        return edit(d -> {
            d.promptTokens = prompt;
            d.completionTokens = completion;
        });
    }

    /**
     * Bills the most output the request allows, as the provider counts it (Anthropic's {@code max_tokens}, thinking
     * included; Gemini's limit plus its thinking budget): the worst case a budget has to cover.
     */
    public Reply billingWholeAllowance() {
        return edit(d -> d.completionTokens = WHOLE_ALLOWANCE);
    }

    public Reply cachedTokens(int n) {
        return edit(d -> d.cachedTokens = n);
    }

    public Reply cacheWriteTokens(int n) {
        return edit(d -> d.cacheWriteTokens = n);
    }

    public Reply reasoningTokens(int n) {
        return edit(d -> d.reasoningTokens = n);
    }

    public Reply retryAfter(int seconds) {
        return edit(d -> d.retryAfterSeconds = seconds);
    }

    /** Stream: send n events, then reset the connection without a terminal event. Non-stream: a truncated body. */
    public Reply cutAfterChunks(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0");
        }
        return edit(d -> d.cutAfterChunks = n);
    }

    /** Delay before the response headers. */
    public Reply latencyMs(long ms) {
        return edit(d -> d.latencyMs = ms);
    }

    /** Delay between streamed content pieces. */
    public Reply chunkDelayMs(long ms) {
        return edit(d -> d.chunkDelayMs = ms);
    }

    /**
     * Sends no usage at all, as OpenAI-compatible servers that ignore {@code stream_options.include_usage} do
     * (OpenAI wire only).
     */
    public Reply withoutUsage() {
        return edit(d -> d.omitUsage = true);
    }

    private Reply edit(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return d.build();
    }

    /** Mutable twin so each fluent method changes one field without repeating all eighteen. */
    private static final class Draft {
        Kind kind;
        String text;
        String reasoning;
        List<ToolCallSpec> toolCalls;
        int chunks;
        String finishReason;
        int promptTokens;
        int completionTokens;
        int cachedTokens;
        int cacheWriteTokens;
        int reasoningTokens;
        int status;
        String errorMessage;
        int retryAfterSeconds;
        int cutAfterChunks;
        long latencyMs;
        long chunkDelayMs;
        boolean omitUsage;

        Draft(Reply r) {
            kind = r.kind;
            text = r.text;
            reasoning = r.reasoning;
            toolCalls = r.toolCalls;
            chunks = r.chunks;
            finishReason = r.finishReason;
            promptTokens = r.promptTokens;
            completionTokens = r.completionTokens;
            cachedTokens = r.cachedTokens;
            cacheWriteTokens = r.cacheWriteTokens;
            reasoningTokens = r.reasoningTokens;
            status = r.status;
            errorMessage = r.errorMessage;
            retryAfterSeconds = r.retryAfterSeconds;
            cutAfterChunks = r.cutAfterChunks;
            latencyMs = r.latencyMs;
            chunkDelayMs = r.chunkDelayMs;
            omitUsage = r.omitUsage;
        }

        Reply build() {
            return new Reply(kind, text, reasoning, toolCalls, chunks, finishReason, promptTokens, completionTokens,
                    cachedTokens, cacheWriteTokens, reasoningTokens, status, errorMessage, retryAfterSeconds,
                    cutAfterChunks, latencyMs, chunkDelayMs, omitUsage);
        }
    }
}
