package dev.caravan.stream;

import dev.caravan.canonical.ChatCompletionChunk;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A provider's stream as canonical chunks. A virtual thread reads and decodes the provider's events into a small
 * queue; the client side takes them with a time limit, so that while the provider is silent the gateway can still
 * write a heartbeat and learn that the client has gone: a blocked read of the provider would not notice until the
 * provider spoke again, and a provider keeps generating (and billing) for a client that left. The queue is short,
 * so the reader never runs far ahead of the client. Closing the stream before its end aborts the upstream call.
 *
 * <p>A stream for a pass-through ({@code keepEvents}) also keeps each provider event beside the chunks decoded from
 * it, for {@link #event()}: the client is written the provider's events, while routing and accounting read the
 * chunks as for any stream. An event that decodes to no chunk (a ping, a block's end) travels with {@link #EVENT_ONLY}.
 */
public final class ChunkStream implements AutoCloseable {

    /** What {@link #next} returns when the provider sent nothing within the wait. */
    public static final ChatCompletionChunk SILENCE = new ChatCompletionChunk(null, null, null, null, null, null,
            null, null, null);

    /** The chunk an event that decodes to nothing travels with: no choices, no usage, nothing to decide on. */
    public static final ChatCompletionChunk EVENT_ONLY = new ChatCompletionChunk(null, null, null, null, List.of(),
            null, null, null, null);

    private static final int READ_AHEAD = 16;
    private static final Object END = new Object();

    private final InputStream upstream;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(READ_AHEAD);
    private final Thread reader;
    private volatile boolean closed;
    /** No more items will come: the end was taken, or a failure was. */
    private boolean ended;
    /** The provider's stream reached its end (not a failure): only then may the connection go back to the pool. */
    private boolean reachedEnd;
    /** Items taken while waiting for the first substantive one, handed out first by {@link #next}. */
    private final ArrayDeque<Object> early = new ArrayDeque<>();
    private final boolean keepEvents;
    private final boolean passThrough;
    /** The provider event the chunk {@link #next} returned last was the first chunk of; null for the others. */
    private SseEvent event;
    /** Told the chunks handed out, once the provider's stream reached its end; null when nobody asked. */
    private Consumer<List<ChatCompletionChunk>> recorder;
    private List<ChatCompletionChunk> recorded;

    /** A chunk and the provider event it is the first (or only) chunk of. */
    private record WithEvent(ChatCompletionChunk chunk, SseEvent event) {
    }

    public ChunkStream(InputStream upstream, StreamDecoder decoder) {
        this(upstream, decoder, false);
    }

    /** @param passThrough keep each provider event for {@link #event()}, for a client that is written them as they are */
    public ChunkStream(InputStream upstream, StreamDecoder decoder, boolean passThrough) {
        this(upstream, decoder, passThrough, passThrough);
    }

    /**
     * @param keepEvents  keep each provider event for {@link #event()}, for an encoder that may write some as they
     *                    are (OpenAI's middle chunks to an OpenAI client)
     * @param passThrough the client is written the provider's events as they are (a pass-through API)
     */
    public ChunkStream(InputStream upstream, StreamDecoder decoder, boolean keepEvents, boolean passThrough) {
        this.upstream = upstream;
        this.keepEvents = keepEvents || passThrough;
        this.passThrough = passThrough;
        this.reader = Thread.ofVirtual().name("caravan-stream-reader").start(() -> pump(decoder));
    }

    /**
     * A stream of chunks already known (a cached answer, dev.caravan.cache): handed out as a provider's would be, so
     * the API's encoder, heartbeat and accounting treat it like any stream.
     */
    public static ChunkStream replay(List<ChatCompletionChunk> chunks) {
        return new ChunkStream(InputStream.nullInputStream(), new StreamDecoder() {
            @Override
            public List<ChatCompletionChunk> decode(SseEvent event) {
                return List.of();
            }

            @Override
            public List<ChatCompletionChunk> finish() {
                return chunks;
            }
        });
    }

    /**
     * {@code recorder} is told every chunk handed out (events without one left out), once the provider's stream
     * reached its end; never when it failed or was closed before. Set before the first {@link #next}.
     */
    public void record(Consumer<List<ChatCompletionChunk>> recorder) {
        this.recorded = new ArrayList<>();
        this.recorder = recorder;
    }

    /** The stream keeps the provider's events, for {@link #event()}. */
    public boolean keepsEvents() {
        return keepEvents;
    }

    /** The client is written the provider's events rather than an encoding of the chunks (a pass-through). */
    public boolean passesThrough() {
        return passThrough;
    }

    /**
     * The provider event the chunk last returned by {@link #next} came first from; null when it came from none (a
     * second chunk of the same event, the decoder's closing usage) or the stream does not keep events.
     */
    public SseEvent event() {
        return event;
    }

    private void pump(StreamDecoder decoder) {
        SseReader events = new SseReader(upstream);
        try {
            SseEvent event;
            while ((event = events.next()) != null) {
                List<ChatCompletionChunk> chunks = decoder.decode(event);
                if (keepEvents) {
                    queue.put(new WithEvent(chunks.isEmpty() ? EVENT_ONLY : chunks.get(0), event));
                    chunks = chunks.isEmpty() ? List.of() : chunks.subList(1, chunks.size());
                }
                for (ChatCompletionChunk chunk : chunks) {
                    queue.put(chunk);
                }
            }
            for (ChatCompletionChunk chunk : decoder.finish()) {
                queue.put(chunk);
            }
            queue.put(END);
        } catch (InterruptedException stopped) {
            // closed by the client side
        } catch (IOException | RuntimeException failure) {
            if (!closed) {
                offerQuietly(failure);
            }
        }
    }

    private void offerQuietly(Object item) {
        try {
            queue.put(item);
        } catch (InterruptedException stopped) {
            // closed meanwhile: nobody is waiting for it
        }
    }

    /**
     * Waits up to {@code nanos} for the provider's first event and keeps it for {@link #next}. Routing decides on
     * this first byte: until it has come, another provider may still be tried without the client seeing a mix.
     *
     * @return false when nothing came in time
     * @throws IOException or a runtime exception when the provider failed before its first event
     */
    public boolean awaitFirst(long nanos) throws IOException {
        long deadline = System.nanoTime() + nanos;
        while (true) {
            Object item = poll(Math.max(0, deadline - System.nanoTime()));
            if (item == null) {
                return false;
            }
            if (item == END) {
                // a 200 without a single event (an empty or non-SSE body) is a failure another provider may fix
                ended = true;
                throw new IOException("the provider's stream ended before its first event");
            }
            rethrow(item);
            early.add(item);
            // Anthropic opens with a role-only chunk before it may still fail as overloaded: that is not a first byte
            if (substantive(item instanceof WithEvent kept ? kept.chunk() : (ChatCompletionChunk) item)) {
                return true;
            }
        }
    }

    private static boolean substantive(ChatCompletionChunk chunk) {
        if (chunk.usage() != null || chunk.choices() == null) {
            return chunk.usage() != null;
        }
        for (ChatCompletionChunk.ChunkChoice choice : chunk.choices()) {
            var delta = choice.delta();
            if (choice.finishReason() != null || delta != null && (delta.toolCalls() != null
                    || delta.reasoningContent() != null && !delta.reasoningContent().isEmpty()
                    || delta.content() != null && !delta.content().text().isEmpty())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The next chunk; null once the provider's stream has ended; {@link #SILENCE} when the provider sent nothing
     * within {@code wait}. A provider failure (transport or error event) is thrown.
     */
    public ChatCompletionChunk next(Duration wait) throws IOException {
        event = null;
        if (ended) {
            return null;
        }
        Object item = early.poll();
        if (item == null) {
            item = poll(wait.toNanos());
        }
        if (item == null) {
            return SILENCE;
        }
        if (item == END) {
            ended = true;
            reachedEnd = true;
            if (recorder != null) {
                recorder.accept(List.copyOf(recorded));
            }
            return null;
        }
        rethrow(item);
        ChatCompletionChunk chunk;
        if (item instanceof WithEvent kept) {
            event = kept.event();
            chunk = kept.chunk();
        } else {
            chunk = (ChatCompletionChunk) item;
        }
        if (recorded != null && chunk != EVENT_ONLY) {
            recorded.add(chunk);
        }
        return chunk;
    }

    /** The next queued item within {@code nanos}, or null. */
    private Object poll(long nanos) throws IOException {
        try {
            return queue.poll(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the provider", e);
        }
    }

    private void rethrow(Object item) throws IOException {
        if (item instanceof IOException io) {
            ended = true;
            throw io;
        }
        if (item instanceof RuntimeException runtime) {
            ended = true;
            throw runtime;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        reader.interrupt();
        if (reachedEnd) {
            try {
                upstream.close();
            } catch (IOException ignored) {
                // fully read already; the connection goes back to the pool or is dropped
            }
        } else {
            UpstreamAbort.abort(upstream);
        }
    }
}
