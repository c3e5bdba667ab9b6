package dev.caravan.canonical;

import java.math.BigDecimal;
import java.util.List;

/**
 * A provider's embeddings, in the order of the request's inputs, with the input tokens it billed (null when it
 * reported none) and, once the gateway priced it, the cost in USD (null for a model without prices).
 */
public record EmbeddingResult(List<float[]> vectors, Integer inputTokens, BigDecimal cost, List<Warning> warnings) {

    public EmbeddingResult {
        vectors = List.copyOf(vectors);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public EmbeddingResult priced(int tokens, BigDecimal usd, List<Warning> gatewayWarnings) {
        return new EmbeddingResult(vectors, tokens, usd, Warning.merge(warnings, gatewayWarnings));
    }

    /** The usage the accounting records: input tokens only, as embeddings have no output. */
    public Usage usage(int tokens) {
        return Usage.of(tokens, 0, null, null, null);
    }
}
