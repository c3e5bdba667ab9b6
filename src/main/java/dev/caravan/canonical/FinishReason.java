package dev.caravan.canonical;

/** OpenAI's finish reasons, the ones every translator maps to. */
public final class FinishReason {
    public static final String STOP = "stop";
    public static final String LENGTH = "length";
    public static final String TOOL_CALLS = "tool_calls";
    public static final String CONTENT_FILTER = "content_filter";

    private FinishReason() {
    }
}
