package dev.caravan.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server on 127.0.0.1 that speaks the OpenAI Chat Completions, Anthropic Messages and Gemini
 * generateContent wire formats, answers with scripted {@link Reply replies} (or a default one), and can misbehave on
 * purpose: errors, connection resets, stalls, streams cut mid-way, and a keep-alive timeout.
 *
 * <p>Endpoints: {@code POST /v1/chat/completions}, {@code POST /v1/messages}, {@code POST /v1/messages/count_tokens},
 * {@code POST /v1beta/models/{model}:generateContent}, {@code POST /v1beta/models/{model}:streamGenerateContent},
 * embeddings ({@code POST /v1/embeddings}, {@code POST /v1beta/models/{model}:embedContent} and
 * {@code :batchEmbedContents}, deterministic vectors: {@link #embedding}), image generation ({@code POST
 * /v1/images/generations}, and an {@code inlineData} image from Gemini models named {@code *-image*}: always the
 * PNG {@link #PNG_BASE64}), and {@code GET /health}.
 */
public final class ProviderSimulator implements AutoCloseable {

    /** How many requests {@link #start(int)} remembers; older ones are dropped so long runs do not grow memory. */
    public static final int DEFAULT_RECORD_LIMIT = 1000;

    private final ServerSocket server;
    private final SimulatorDefaults defaults;
    private final int recordLimit;
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<ReplyPlan> queue = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<RecordedRequest> recorded = new ArrayDeque<>();
    private final LinkedBlockingDeque<RecordedRequest> untaken = new LinkedBlockingDeque<>();
    private final ArrayDeque<String> answers = new ArrayDeque<>();
    private final AtomicInteger aborted = new AtomicInteger();
    private final AtomicInteger idleClosed = new AtomicInteger();
    private final RequestHandler handler = new RequestHandler(this);
    private final Thread acceptor;
    private volatile ReplyPlan defaultPlan;
    private volatile long keepAliveTimeoutMs;
    private volatile boolean paceWholeAnswers = true;
    private volatile boolean closed;

    private ProviderSimulator(int port, SimulatorDefaults defaults, int recordLimit) throws IOException {
        this.defaults = defaults;
        this.recordLimit = recordLimit;
        this.defaultPlan = new ReplyPlan(defaults.toReply());
        RequestHandler.warmUp(defaultPlan);
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
        this.acceptor = Thread.ofPlatform().name("provider-simulator-accept-" + server.getLocalPort()).daemon(true)
                .start(this::acceptLoop);
    }

    public static ProviderSimulator start(int port) {
        return start(port, SimulatorDefaults.defaults());
    }

    public static ProviderSimulator start(int port, SimulatorDefaults defaults) {
        return start(port, defaults, DEFAULT_RECORD_LIMIT);
    }

    /** @param recordLimit how many requests to remember for {@link #requests()}; 0 disables recording */
    public static ProviderSimulator start(int port, SimulatorDefaults defaults, int recordLimit) {
        try {
            return new ProviderSimulator(port, defaults, recordLimit);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the provider simulator on port " + port, e);
        }
    }

    /** The one image the simulator generates: a valid 8x8 PNG, base64. */
    public static final String PNG_BASE64 = Images.PNG_BASE64;

    /** The vector the simulator answers for {@code text} at {@code dimensions}: seeded by the text, unit length. */
    public static float[] embedding(String text, int dimensions) {
        return Embeddings.vector(text, dimensions);
    }

    public int port() {
        return server.getLocalPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Queues replies for the next requests, in order, whatever endpoint they arrive on. */
    public void enqueue(Reply... replies) {
        for (Reply reply : replies) {
            queue.add(new ReplyPlan(reply));
        }
    }

    /** Replaces the answer used when the queue is empty, until {@link #reset()}. */
    public void setDefaultReply(Reply reply) {
        defaultPlan = new ReplyPlan(reply);
    }

    public int pendingReplies() {
        return queue.size();
    }

    /** The remembered requests, oldest first. */
    public List<RecordedRequest> requests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    public RecordedRequest lastRequest() {
        synchronized (recorded) {
            return recorded.peekLast();
        }
    }

    /** Removes and returns the oldest request not yet taken, waiting up to 10 seconds for one to arrive. */
    public RecordedRequest takeRequest() {
        try {
            RecordedRequest request = untaken.poll(10, TimeUnit.SECONDS);
            if (request == null) {
                throw new IllegalStateException("no request reached the simulator within 10 seconds");
            }
            return request;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a request", e);
        }
    }

    /**
     * The successful answers sent, oldest first, as written: a whole body, or a stream's events in order (a stream
     * cut or abandoned before its end is not kept). What a pass-through must hand the client unchanged.
     */
    public List<String> answersSent() {
        synchronized (answers) {
            return List.copyOf(answers);
        }
    }

    void recordAnswer(String answer) {
        if (recordLimit <= 0) {
            return;
        }
        synchronized (answers) {
            if (answers.size() >= recordLimit) {
                answers.pollFirst();
            }
            answers.addLast(answer);
        }
    }

    public int openConnections() {
        return connections.size();
    }

    /**
     * Responses the client abandoned before the simulator finished them: streams whose writes failed or whose
     * client disconnected between events, and stalled requests whose client went away.
     */
    public int abortedStreams() {
        return aborted.get();
    }

    /**
     * Closes a kept-alive connection once it has waited {@code timeout} for its next request, without warning the
     * client, as providers and the load balancers in front of them do (commonly after 5 to 60 s of idleness); until
     * {@link #reset()}. A connection already waiting for a request when this is called keeps waiting without a
     * timeout until its next request.
     */
    public void setKeepAliveTimeout(Duration timeout) {
        keepAliveTimeoutMs = Math.max(1, timeout.toMillis());
    }

    /**
     * Whether a non-streamed answer waits as long as its stream would take ({@link ReplyPlan#nonStreamDelayMs}, the
     * default) or comes at once, streams still paced; until {@link #reset()}. Off lets one simulator be both the
     * zero-latency upstream of a benchmark's non-streamed requests and the paced one of its streams, which a gateway
     * with one base URL per provider needs (bench/run.sh, Anthropic).
     */
    public void setPaceWholeAnswers(boolean pace) {
        paceWholeAnswers = pace;
    }

    boolean pacesWholeAnswers() {
        return paceWholeAnswers;
    }

    /** Connections closed by the keep-alive timeout; counted once the connection is closed. */
    public int idleConnectionsClosed() {
        return idleClosed.get();
    }

    /**
     * Clears the reply queue, the recorded requests and the counts, restores the default reply and the pacing of
     * non-streamed answers, and turns the keep-alive timeout off.
     */
    public void reset() {
        queue.clear();
        synchronized (recorded) {
            recorded.clear();
            untaken.clear();
        }
        synchronized (answers) {
            answers.clear();
        }
        aborted.set(0);
        idleClosed.set(0);
        keepAliveTimeoutMs = 0;
        paceWholeAnswers = true;
        defaultPlan = new ReplyPlan(defaults.toReply());
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // The accept loop ends either way.
        }
        for (HttpConnection connection : connections) {
            connection.close();
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // Typically out of file descriptors; back off instead of spinning on the same failure.
                try {
                    Thread.sleep(10);
                } catch (InterruptedException interrupted) {
                    return;
                }
                continue;
            }
            try {
                socket.setTcpNoDelay(true);
                HttpConnection connection = new HttpConnection(socket);
                connections.add(connection);
                if (closed) {
                    // close() may have swept the set before this connection joined it.
                    connection.close();
                }
                Thread.ofVirtual().name("provider-simulator-conn").start(() -> serve(connection));
            } catch (IOException e) {
                closeQuietly(socket);
            }
        }
    }

    private void serve(HttpConnection connection) {
        try {
            while (!closed) {
                long keepAlive = keepAliveTimeoutMs;
                if (keepAlive > 0 && connection.idleFor(keepAlive)) {
                    // closed before it is counted, so a client that waits for the count finds it closed
                    connection.close();
                    idleClosed.incrementAndGet();
                    break;
                }
                HttpConnection.Request request = connection.readRequest();
                if (request == null) {
                    break;
                }
                record(request);
                if (!handler.handle(connection, request)) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // A broken or malformed connection only ends itself.
        } finally {
            connections.remove(connection);
            connection.close();
        }
    }

    /** The next scripted reply, or the default one when none is queued. */
    ReplyPlan nextPlan() {
        ReplyPlan plan = queue.poll();
        return plan != null ? plan : defaultPlan;
    }

    /** A departure caused by close() is the simulator's doing, not the client's, so it is not counted. */
    void clientAborted() {
        if (!closed) {
            aborted.incrementAndGet();
        }
    }

    private void record(HttpConnection.Request req) {
        if (recordLimit <= 0) {
            return;
        }
        RecordedRequest recordedRequest = new RecordedRequest(req.method(), req.path(), req.query(),
                Collections.unmodifiableMap(req.headers()), new String(req.body(), StandardCharsets.UTF_8));
        synchronized (recorded) {
            if (recorded.size() >= recordLimit) {
                recorded.pollFirst();
            }
            recorded.addLast(recordedRequest);
            if (untaken.size() >= recordLimit) {
                untaken.pollFirst();
            }
            untaken.addLast(recordedRequest);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing to salvage.
        }
    }

    public static void main(String[] args) throws InterruptedException {
        SimulatorMain.run(args);
    }
}
