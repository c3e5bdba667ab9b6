package dev.caravan.canonical;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One piece of a model's reasoning with what the provider needs to accept it back: Anthropic signs each thinking
 * block and rejects a tool-use history whose thinking lacks its signature, and hides some thinking entirely
 * (redacted, only its encrypted {@code data}). Carried in a message's (or stream delta's) {@code extra} under
 * {@link #FIELD}, the name and shape OpenRouter uses on the OpenAI wire, because OpenAI's shape has no place for it.
 * In a stream delta a detail may carry only the {@code signature}, which signs the thinking text streamed before it.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ReasoningDetail(String type, String text, String signature, String data) {

    public static final String FIELD = "reasoning_details";
    /** Thinking text, with its signature when the provider signs it. */
    public static final String TEXT = "reasoning.text";
    /** Thinking the provider hid: {@code data} is opaque and must be sent back unchanged. */
    public static final String ENCRYPTED = "reasoning.encrypted";

    public static ReasoningDetail text(String text, String signature) {
        return new ReasoningDetail(TEXT, text, signature, null);
    }

    public static ReasoningDetail encrypted(String data) {
        return new ReasoningDetail(ENCRYPTED, null, null, data);
    }
}
