package dev.caravan.format.aisdk;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Warning;

import java.util.List;

/**
 * An AI SDK {@code language-model} call as the gateway holds it: the canonical request every provider format
 * translates, and the warnings reading it produced (call options with no canonical form), which the answer reports
 * in the SDK's own warning shape.
 */
public record AiSdkRequest(ChatRequest chat, List<Warning> warnings) {

    public AiSdkRequest {
        warnings = List.copyOf(warnings);
    }
}
