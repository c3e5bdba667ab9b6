package dev.caravan.stream;

import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Usage;
import dev.caravan.error.ErrorResponder;
import dev.caravan.error.GatewayException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * A provider stream written to the client in the client's format, produced one event per read so the HTTP layer
 * writes and flushes each as it arrives; the same for every inbound API, which differ only in their
 * {@link ClientStreamEncoder}. A failure after the first byte can no longer change the status, so it ends the stream
 * with the format's error event. While the provider is silent a heartbeat goes out every {@code heartbeat}, so a
 * client that went away is noticed; closing this body before the end (the client went away) aborts the provider's
 * stream. How the stream ended is reported to the {@link StreamOutcome}, once.
 */
public final class SseResponseBody extends InputStream {

    private final ChunkStream source;
    private final ClientStreamEncoder encoder;
    private final StreamOutcome outcome;
    private final String provider;
    private final Duration heartbeat;
    private byte[] current = ClientStreamEncoder.NOTHING;
    private int position;
    private boolean first = true;
    private boolean finished;
    private boolean sawFinish;
    private String finishReason;
    private Usage usage;

    /** {@code provider} names who is streaming, for the error a failure of its stream becomes. */
    public SseResponseBody(ChunkStream source, ClientStreamEncoder encoder, StreamOutcome outcome, String provider,
                           Duration heartbeat) {
        this.source = source;
        this.encoder = encoder;
        this.outcome = outcome;
        this.provider = provider;
        this.heartbeat = heartbeat;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position == current.length) {
            if (finished) {
                return -1;
            }
            current = nextEvent();
            position = 0;
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
    }

    private byte[] nextEvent() {
        try {
            while (true) {
                ChatCompletionChunk chunk = source.next(heartbeat);
                if (chunk == ChunkStream.SILENCE) {
                    return encoder.heartbeat();
                }
                if (chunk == null) {
                    finished = true;
                    if (!sawFinish) {
                        // every format signals completion with a finish reason; a stream closed without one was cut
                        throw new EOFException("the provider's stream ended without finishing");
                    }
                    outcome.completed(usage, finishReason);
                    return encoder.finish();
                }
                if (chunk.usage() != null) {
                    usage = chunk.usage();
                }
                byte[] event = source.keepsEvents() ? encoder.encode(chunk, source.event()) : encoder.encode(chunk);
                if (event.length > 0 && first) {
                    first = false;
                    outcome.firstChunk();
                }
                // tallied even when the encoder writes nothing for it: the Responses API's finish reason chunk
                // has no event of its own (response.completed waits for the usage), but the stream did finish
                tally(chunk);
                if (event.length == 0) {
                    continue;
                }
                return event;
            }
        } catch (IOException | RuntimeException failure) {
            finished = true;
            GatewayException error = ErrorResponder.classify(failure, provider);
            outcome.failed(error, usage);
            return encoder.error(error);
        }
    }

    /** Counts the chunk's output (in case no usage comes) and notes its finish reason, if any. */
    private void tally(ChatCompletionChunk chunk) {
        if (chunk.choices() == null) {
            return;
        }
        for (ChatCompletionChunk.ChunkChoice choice : chunk.choices()) {
            outcome.output(choice.delta());
            if (choice.finishReason() != null) {
                sawFinish = true;
                finishReason = choice.finishReason();
            }
        }
    }

    @Override
    public void close() {
        if (!finished) {
            // closed before the end: the client went away (a finished stream has been accounted already)
            finished = true;
            outcome.cancelled(usage);
        }
        source.close();
    }
}
