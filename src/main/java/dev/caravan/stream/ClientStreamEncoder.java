package dev.caravan.stream;

import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.error.GatewayException;

/**
 * How one inbound API writes a canonical stream on its wire: each method returns the bytes of whole events, ready to
 * be written and flushed. One encoder serves one response, so it may keep state across chunks (an OpenAI encoder
 * adds warnings to the first chunk; a Messages encoder opens and closes content blocks). Pure: no accounting, no
 * routing; {@link SseResponseBody} pumps the provider's stream through it.
 */
public interface ClientStreamEncoder {

    /** No bytes: the chunk has nothing to say in this format (an OpenAI usage-only chunk the client did not ask for). */
    byte[] NOTHING = new byte[0];

    /** The events for one canonical chunk, or {@link #NOTHING}. */
    byte[] encode(ChatCompletionChunk chunk);

    /**
     * The events for one canonical chunk of a stream that keeps the provider's events ({@link ChunkStream#keepsEvents}):
     * {@code upstream} is the provider event the chunk came first from, or null for a further chunk of the same event.
     * A pass-through encoder writes the event; any other encodes the chunk as usual.
     */
    default byte[] encode(ChatCompletionChunk chunk, SseEvent upstream) {
        return encode(chunk);
    }

    /** The events that close a stream the provider finished. */
    byte[] finish();

    /**
     * The event that tells the client its stream failed after it began: the status is sent already, so the error
     * travels in the stream, and nothing follows it.
     */
    byte[] error(GatewayException error);

    /** A comment or ping the client ignores, written while the provider is silent to learn if the client left. */
    byte[] heartbeat();
}
