package dev.caravan.stream;

import dev.caravan.canonical.ChatCompletionChunk;

import java.util.List;

/**
 * Turns one provider's stream events into canonical chunks. One instance per stream: decoders keep state such as
 * which content block is which tool call. An error event from the provider is thrown as
 * {@link dev.caravan.error.GatewayException}.
 */
public interface StreamDecoder {

    /** The chunks one upstream event produces; often none (pings, block stops). */
    List<ChatCompletionChunk> decode(SseEvent event);

    /**
     * Chunks owed when the upstream stream has ended: a usage-only chunk when usage is known and was not emitted
     * yet. Decoders emit usage only here or in a usage-only chunk, so the caller can hold it back from clients
     * that did not ask for it.
     */
    List<ChatCompletionChunk> finish();
}
