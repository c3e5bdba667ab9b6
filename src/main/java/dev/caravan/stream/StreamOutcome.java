package dev.caravan.stream;

import dev.caravan.canonical.Message;
import dev.caravan.canonical.Usage;
import dev.caravan.error.GatewayException;

/**
 * What {@link SseResponseBody} reports while it streams and how the stream ended, so that the request's accounting
 * settles when the client's stream does, without the body knowing about budgets or usage records. Exactly one of
 * {@link #completed}, {@link #failed} and {@link #cancelled} is called, once.
 */
public interface StreamOutcome {

    /** The first event is on its way to the client. */
    void firstChunk();

    /** Output sent to the client (a chunk's delta), counted in case the provider reports no usage. */
    void output(Message delta);

    /** The provider finished; {@code usage} is what it reported, or null. */
    void completed(Usage usage, String finishReason);

    /** The stream failed after it began, with the usage the provider reported before that, if any. */
    void failed(GatewayException error, Usage usageSoFar);

    /** The client went away before the end. */
    void cancelled(Usage usageSoFar);
}
