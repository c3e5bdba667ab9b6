package dev.caravan.api;

import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Usage;
import dev.caravan.error.ErrorBody;
import dev.caravan.error.ErrorResponder;
import dev.caravan.error.GatewayException;
import dev.caravan.routing.GatewayCall;
import dev.caravan.routing.RoutingMetadata;
import dev.caravan.stream.ChunkStream;
import dev.caravan.usage.Cost;
import dev.caravan.usage.RequestMeter;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A provider stream re-encoded as OpenAI server-sent events, produced one event per read so the HTTP layer writes
 * and flushes each as it arrives. The model is renamed to the catalog id of the serving model; the chunk
 * that carries the finish reason also carries the routing metadata; warnings ride on the first
 * chunk; the usage-only chunk is passed on only when the client asked for it; a failure after the first byte can no
 * longer change the status, so it ends the stream with an {@code {"error":...}} event, which OpenAI clients raise.
 * While the provider is silent a heartbeat comment goes out every {@code heartbeat}, so a client that went away is
 * noticed; closing this body (the client went away) aborts the provider's stream.
 */
final class OpenAiSseBody extends InputStream {

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    /** An SSE comment: clients ignore it; writing it tells the gateway whether the client is still there. */
    private static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ChunkStream source;
    private final GatewayCall call;
    private final RequestMeter meter;
    private final boolean includeUsage;
    private final Duration heartbeat;
    private byte[] current = new byte[0];
    private int position;
    private boolean first = true;
    private boolean finished;
    private boolean sawFinish;
    private String finishReason;
    private Usage usage;

    OpenAiSseBody(ChunkStream source, GatewayCall call, RequestMeter meter, Duration heartbeat) {
        this.source = source;
        this.call = call;
        this.meter = meter;
        this.heartbeat = heartbeat;
        this.includeUsage = call.request().includeUsage();
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
            ChatCompletionChunk chunk;
            do {
                chunk = source.next(heartbeat);
                if (chunk == ChunkStream.SILENCE) {
                    return HEARTBEAT;
                }
                if (chunk == null) {
                    finished = true;
                    if (!sawFinish) {
                        // every format signals completion with a finish reason; a stream closed without one was cut
                        throw new EOFException("the provider's stream ended without finishing");
                    }
                    meter.succeeded(usage, finishReason);
                    return DONE;
                }
                if (chunk.usage() != null) {
                    // streams cannot carry a cost header: the final usage chunk carries the cost
                    usage = chunk.usage();
                    chunk = chunk.withUsage(usage.withCost(Cost.of(call.current().model().pricing(), usage)));
                }
            } while (!includeUsage && isUsageOnly(chunk));
            chunk = chunk.renamed(meter.generationId(), call.servingModel());
            if (first) {
                first = false;
                meter.firstToken();
                chunk = chunk.withWarnings(ChatCompletionsApi.merge(chunk.warnings(), call.warnings()));
            }
            String reason = tally(chunk);
            if (reason != null) {
                sawFinish = true;
                finishReason = reason;
                // the finish chunk, not a chunk of its own: the OpenAI SDK's accumulator refuses any chunk after
                // the final ones, and a usage-only chunk may not come at all
                chunk = chunk.withExtra(RoutingMetadata.FIELD, RoutingMetadata.of(call));
            }
            return event(Json.write(chunk));
        } catch (IOException | RuntimeException failure) {
            finished = true;
            GatewayException error = ErrorResponder.classify(failure, call.provider());
            meter.failed(error, 200, usage);
            return event(Json.write(ErrorBody.of(error)));
        }
    }

    /** Counts the chunk's output for the meter (in case no usage comes); returns its finish reason, if any. */
    private String tally(ChatCompletionChunk chunk) {
        if (chunk.choices() == null) {
            return null;
        }
        String reason = null;
        for (ChatCompletionChunk.ChunkChoice choice : chunk.choices()) {
            meter.countOutput(choice.delta());
            if (choice.finishReason() != null) {
                reason = choice.finishReason();
            }
        }
        return reason;
    }

    private static boolean isUsageOnly(ChatCompletionChunk chunk) {
        return chunk.usage() != null && (chunk.choices() == null || chunk.choices().isEmpty());
    }

    private static byte[] event(byte[] json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 8);
        out.writeBytes(DATA);
        out.writeBytes(json);
        out.writeBytes(END);
        return out.toByteArray();
    }

    @Override
    public void close() {
        if (!finished) {
            // closed before the end: the client went away (a finished stream has been accounted already)
            finished = true;
            meter.cancelled(usage);
        }
        source.close();
    }
}
