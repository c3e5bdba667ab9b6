package dev.caravan.cache;

import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.routing.Attempt;

import java.util.List;

/**
 * An answer kept in the response cache, with the attempt that served it (its model and provider model are named
 * again on a hit; its provider is not, since none is called).
 */
sealed interface CachedAnswer {

    Attempt servedBy();

    /** A whole (non-streamed) answer. */
    record Whole(Attempt servedBy, ChatCompletion completion) implements CachedAnswer {
    }

    /** A stream, as the chunks it was decoded into, usage included: replayed as a stream. */
    record Streamed(Attempt servedBy, List<ChatCompletionChunk> chunks) implements CachedAnswer {
    }
}
