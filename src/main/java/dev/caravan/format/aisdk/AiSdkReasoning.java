package dev.caravan.format.aisdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ReasoningDetail;

import java.util.Map;

/**
 * Anthropic's signed and redacted thinking through the AI SDK. Anthropic refuses a tool-use history whose thinking
 * has lost its signature, so a reasoning part carries it where the SDK keeps provider data and sends it back on the
 * next turn: {@code providerMetadata.anthropic.signature} (or {@code .redactedData}) out, the same under the part's
 * {@code providerOptions} in. These are the names {@code @ai-sdk/anthropic} uses, so a conversation recorded through
 * either provider replays through the other.
 */
final class AiSdkReasoning {

    private static final String PROVIDER = "anthropic";
    private static final String SIGNATURE = "signature";
    private static final String REDACTED = "redactedData";

    private AiSdkReasoning() {
    }

    /** The provider metadata of a reasoning part for {@code detail}, or null when it carries nothing to send back. */
    static Map<String, Object> toProviderMetadata(ReasoningDetail detail) {
        if (ReasoningDetail.TEXT.equals(detail.type()) && detail.signature() != null && !detail.signature().isEmpty()) {
            return Map.of(PROVIDER, Map.of(SIGNATURE, detail.signature()));
        }
        if (ReasoningDetail.ENCRYPTED.equals(detail.type()) && detail.data() != null) {
            return Map.of(PROVIDER, Map.of(REDACTED, detail.data()));
        }
        return null;
    }

    /** The detail a reasoning part's provider options carry back, or null when they carry none. */
    static ReasoningDetail fromProviderOptions(String text, JsonNode providerOptions) {
        JsonNode anthropic = providerOptions == null ? null : providerOptions.get(PROVIDER);
        if (anthropic == null || !anthropic.isObject()) {
            return null;
        }
        if (anthropic.path(SIGNATURE).isTextual()) {
            return ReasoningDetail.text(text, anthropic.get(SIGNATURE).textValue());
        }
        if (anthropic.path(REDACTED).isTextual()) {
            return ReasoningDetail.encrypted(anthropic.get(REDACTED).textValue());
        }
        return null;
    }

    /** True when the options hold only what {@link #fromProviderOptions} reads: nothing to warn about. */
    static boolean onlySignature(JsonNode providerOptions) {
        JsonNode anthropic = providerOptions.get(PROVIDER);
        return providerOptions.size() == 1 && anthropic != null && anthropic.isObject() && anthropic.size() == 1
                && (anthropic.has(SIGNATURE) || anthropic.has(REDACTED));
    }
}
