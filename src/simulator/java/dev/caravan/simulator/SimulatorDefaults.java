package dev.caravan.simulator;

/**
 * What the simulator answers when no scripted {@link Reply} is queued.
 *
 * @param firstChunkDelayMs delay before the response headers (time to first token)
 * @param chunkDelayMs delay between streamed content pieces; a non-stream answer waits the same total generation time
 */
public record SimulatorDefaults(String text, int chunks, long firstChunkDelayMs, long chunkDelayMs) {

    public static final String DEFAULT_TEXT = "Hello from the Caravan simulator.";

    public SimulatorDefaults {
        if (text == null) {
            throw new IllegalArgumentException("text is required");
        }
        if (chunks < 1 || firstChunkDelayMs < 0 || chunkDelayMs < 0) {
            throw new IllegalArgumentException("chunks must be >= 1 and delays >= 0");
        }
    }

    public static SimulatorDefaults defaults() {
        return new SimulatorDefaults(DEFAULT_TEXT, 4, 0, 0);
    }

    Reply toReply() {
        return Reply.text(text).chunks(chunks).latencyMs(firstChunkDelayMs).chunkDelayMs(chunkDelayMs);
    }
}
