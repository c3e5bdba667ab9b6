package dev.caravan.format.gemini;

/**
 * Gemini's {@code Candidate.FinishReason} values as of v1beta. Read through {@link #parse} rather than Jackson,
 * because Google adds values often and an unknown one must not fail the answer.
 */
enum GeminiFinishReason {
    FINISH_REASON_UNSPECIFIED,
    STOP,
    MAX_TOKENS,
    SAFETY,
    RECITATION,
    LANGUAGE,
    OTHER,
    BLOCKLIST,
    PROHIBITED_CONTENT,
    SPII,
    MALFORMED_FUNCTION_CALL,
    IMAGE_SAFETY,
    IMAGE_PROHIBITED_CONTENT,
    IMAGE_RECITATION,
    IMAGE_OTHER,
    NO_IMAGE,
    UNEXPECTED_TOOL_CALL,
    TOO_MANY_TOOL_CALLS,
    MISSING_THOUGHT_SIGNATURE,
    MALFORMED_RESPONSE,
    /** A value newer than this list. */
    UNKNOWN;

    static GeminiFinishReason parse(String value) {
        if (value == null) {
            return null;
        }
        try {
            return valueOf(value);
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
