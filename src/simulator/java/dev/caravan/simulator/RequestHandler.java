package dev.caravan.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns one parsed request into one response: routing to a wire format, provider-style validation, and acting out
 * the scripted reply, faults included. Stateless apart from the simulator it reports to, so one instance serves
 * every connection.
 */
final class RequestHandler {

    private static final String JSON = "application/json";
    private static final String SSE = "text/event-stream";

    private final ProviderSimulator simulator;

    RequestHandler(ProviderSimulator simulator) {
        this.simulator = simulator;
    }

    /** @return whether the connection can carry another request */
    boolean handle(HttpConnection conn, HttpConnection.Request req) throws IOException {
        String path = req.path();
        Wire wire;
        String model = null;
        boolean pathStream = false;
        if (path.equals("/v1/embeddings")) {
            return embeddings(conn, req, OpenAiWire.INSTANCE, false);
        }
        if (path.equals("/v1/images/generations")) {
            return images(conn, req);
        }
        if (path.equals("/v1/chat/completions")) {
            wire = OpenAiWire.INSTANCE;
        } else if (path.equals("/v1/messages")) {
            wire = AnthropicWire.INSTANCE;
        } else if (path.equals("/v1/messages/count_tokens")) {
            return countTokens(conn, req);
        } else if ((path.startsWith("/v1beta/models/") || path.startsWith("/v1/models/")) && path.indexOf(':') > 0) {
            wire = GeminiWire.INSTANCE;
            int colon = path.lastIndexOf(':');
            String method = path.substring(colon + 1);
            model = path.substring(path.indexOf("/models/") + 8, colon);
            if (method.equals("embedContent") || method.equals("batchEmbedContents")) {
                return embeddings(conn, req, wire, method.equals("batchEmbedContents"));
            }
            if (method.equals("streamGenerateContent")) {
                pathStream = true;
            } else if (!method.equals("generateContent")) {
                return error(conn, req, wire, 404, "Method not found: " + method);
            }
        } else if (path.equals("/health") && req.method().equals("GET")) {
            conn.writeResponse(200, JSON, null, "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII),
                    req.keepAlive());
            return req.keepAlive();
        } else {
            wire = path.startsWith("/v1beta/") ? GeminiWire.INSTANCE : OpenAiWire.INSTANCE;
            return error(conn, req, wire, 404, "Unknown request URL: " + req.method() + " " + path);
        }
        if (!req.method().equals("POST")) {
            return error(conn, req, wire, 405, "Method " + req.method() + " not allowed for " + path);
        }

        JsonNode body = objectBody(req);
        if (body == null) {
            return error(conn, req, wire, 400, wire.invalidJsonMessage());
        }
        String problem = wire.validate(body);
        if (problem != null) {
            return error(conn, req, wire, 400, problem);
        }

        // Rejected requests never reach here, so they do not consume scripted replies, as with a real upstream.
        ReplyPlan plan = simulator.nextPlan();
        if (plan.reply.completionTokens() == Reply.WHOLE_ALLOWANCE && wire.outputAllowance(body) >= 0) {
            // the one reply whose size depends on the request: planned again with the allowance it was sent
            plan = new ReplyPlan(plan.reply.usage(plan.reply.promptTokens(), wire.outputAllowance(body)));
        }
        Reply reply = plan.reply;
        boolean stream = pathStream || wire.wantsStream(body);
        switch (reply.kind()) {
            case RESET -> {
                if (reply.latencyMs() > 0 && conn.clientGoneWithin(reply.latencyMs())) {
                    return false;
                }
                conn.reset();
                return false;
            }
            case STALL -> {
                if (conn.clientGoneWithin(HttpConnection.FOREVER)) {
                    simulator.clientAborted();
                }
                return false;
            }
            case ERROR -> {
                if (reply.latencyMs() > 0 && conn.clientGoneWithin(reply.latencyMs())) {
                    return false;
                }
                return error(conn, req, wire, reply.status(),
                        reply.errorMessage() == null ? "Simulated error" : reply.errorMessage(),
                        reply.retryAfterSeconds());
            }
            default -> {
                int prompt = reply.promptTokens() >= 0 ? reply.promptTokens() : wire.estimatePromptTokens(body);
                Wire.Exchange ex = new Wire.Exchange(model != null ? model : wire.model(body), prompt,
                        wire.wantsUsageInStream(body));
                return stream ? stream(conn, wire, plan, ex) : complete(conn, req, wire, plan, ex);
            }
        }
    }

    private boolean complete(HttpConnection conn, HttpConnection.Request req, Wire wire, ReplyPlan plan,
            Wire.Exchange ex) throws IOException {
        long delay = simulator.pacesWholeAnswers() ? plan.nonStreamDelayMs() : 0;
        if (delay > 0 && conn.clientGoneWithin(delay)) {
            return false;
        }
        byte[] body = wire.completion(plan, ex).getBytes(StandardCharsets.UTF_8);
        if (plan.reply.cutAfterChunks() >= 0) {
            conn.writeTruncatedAndReset(200, JSON, body, body.length / 2);
            return false;
        }
        conn.writeResponse(200, JSON, null, body, req.keepAlive());
        simulator.recordAnswer(new String(body, StandardCharsets.UTF_8));
        return req.keepAlive();
    }

    /**
     * Embeddings, OpenAI's or Gemini's ({@code batch}: {@code :batchEmbedContents}): deterministic vectors
     * ({@link Embeddings}). A queued reply is taken as by any request, so scripted errors, resets and stalls apply;
     * its content is not used.
     */
    private boolean embeddings(HttpConnection conn, HttpConnection.Request req, Wire wire, boolean batch)
            throws IOException {
        if (!req.method().equals("POST")) {
            return error(conn, req, wire, 405, "Method " + req.method() + " not allowed for " + req.path());
        }
        JsonNode body = objectBody(req);
        if (body == null) {
            return error(conn, req, wire, 400, wire.invalidJsonMessage());
        }
        boolean gemini = wire == GeminiWire.INSTANCE;
        String problem = gemini ? Embeddings.validateGemini(body, batch) : Embeddings.validateOpenAi(body);
        if (problem != null) {
            return error(conn, req, wire, 400, problem);
        }
        Reply reply = simulator.nextPlan().reply;
        if (reply.kind() != Reply.Kind.CONTENT) {
            return fault(conn, req, wire, reply);
        }
        byte[] answer = (gemini ? Embeddings.geminiAnswer(body, batch) : Embeddings.openAiAnswer(body))
                .getBytes(StandardCharsets.UTF_8);
        conn.writeResponse(200, JSON, null, answer, req.keepAlive());
        return req.keepAlive();
    }

    /** OpenAI's image generation: {@code n} copies of one small PNG ({@link Images}); scripted faults apply. */
    private boolean images(HttpConnection conn, HttpConnection.Request req) throws IOException {
        Wire wire = OpenAiWire.INSTANCE;
        if (!req.method().equals("POST")) {
            return error(conn, req, wire, 405, "Method " + req.method() + " not allowed for " + req.path());
        }
        JsonNode body = objectBody(req);
        if (body == null) {
            return error(conn, req, wire, 400, wire.invalidJsonMessage());
        }
        String problem = Images.validateOpenAi(body);
        if (problem != null) {
            return error(conn, req, wire, 400, problem);
        }
        Reply reply = simulator.nextPlan().reply;
        if (reply.kind() != Reply.Kind.CONTENT) {
            return fault(conn, req, wire, reply);
        }
        conn.writeResponse(200, JSON, null, Images.openAiAnswer(body).getBytes(StandardCharsets.UTF_8),
                req.keepAlive());
        return req.keepAlive();
    }

    /** A scripted fault on an endpoint without streams: an error, a reset or a stall. */
    private boolean fault(HttpConnection conn, HttpConnection.Request req, Wire wire, Reply reply) throws IOException {
        if (reply.latencyMs() > 0 && conn.clientGoneWithin(reply.latencyMs())) {
            return false;
        }
        switch (reply.kind()) {
            case RESET -> {
                conn.reset();
                return false;
            }
            case STALL -> {
                if (conn.clientGoneWithin(HttpConnection.FOREVER)) {
                    simulator.clientAborted();
                }
                return false;
            }
            default -> {
                return error(conn, req, wire, reply.status(),
                        reply.errorMessage() == null ? "Simulated error" : reply.errorMessage(),
                        reply.retryAfterSeconds());
            }
        }
    }

    /** The request's body as a JSON object, or null when it is not one (or not JSON at all). */
    private static JsonNode objectBody(HttpConnection.Request req) {
        try {
            JsonNode body = Wire.MAPPER.readTree(req.body());
            return body != null && body.isObject() ? body : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Anthropic's token counting: the count is {@link AnthropicWire#countTokens}, deterministic for a body. A queued
     * reply is taken as by any request, so a scripted error fails the count; any other scripted reply is not used.
     */
    private boolean countTokens(HttpConnection conn, HttpConnection.Request req) throws IOException {
        Wire wire = AnthropicWire.INSTANCE;
        if (!req.method().equals("POST")) {
            return error(conn, req, wire, 405, "Method " + req.method() + " not allowed for " + req.path());
        }
        JsonNode body = objectBody(req);
        if (body == null) {
            return error(conn, req, wire, 400, wire.invalidJsonMessage());
        }
        if (!body.path("messages").isArray() || !body.path("model").isTextual()) {
            return error(conn, req, wire, 400, "messages: Field required");
        }
        Reply reply = simulator.nextPlan().reply;
        if (reply.kind() == Reply.Kind.ERROR) {
            return error(conn, req, wire, reply.status(),
                    reply.errorMessage() == null ? "Simulated error" : reply.errorMessage(), reply.retryAfterSeconds());
        }
        byte[] answer = ("{\"input_tokens\":" + AnthropicWire.countTokens(body) + "}").getBytes(StandardCharsets.UTF_8);
        conn.writeResponse(200, JSON, null, answer, req.keepAlive());
        return req.keepAlive();
    }

    private boolean stream(HttpConnection conn, Wire wire, ReplyPlan plan, Wire.Exchange ex) {
        Reply reply = plan.reply;
        try {
            if (reply.latencyMs() > 0 && conn.clientGoneWithin(reply.latencyMs())) {
                throw new IOException("client left before the response started");
            }
            conn.startChunked(200, SSE);
            Pacer pacer = new Pacer(conn, reply.chunkDelayMs(), reply.cutAfterChunks());
            wire.stream(plan, ex, pacer);
            if (reply.cutAfterChunks() >= 0) {
                // Fewer events than the cut point: still end abruptly, without the terminating chunk.
                conn.reset();
                return false;
            }
            conn.endChunked();
            simulator.recordAnswer(pacer.written.toString());
            return true;
        } catch (StreamCut cut) {
            conn.reset();
            return false;
        } catch (IOException e) {
            simulator.clientAborted();
            return false;
        }
    }

    private boolean error(HttpConnection conn, HttpConnection.Request req, Wire wire, int status, String message)
            throws IOException {
        return error(conn, req, wire, status, message, -1);
    }

    private boolean error(HttpConnection conn, HttpConnection.Request req, Wire wire, int status, String message,
            int retryAfterSeconds) throws IOException {
        String extra = retryAfterSeconds >= 0 ? "Retry-After: " + retryAfterSeconds + "\r\n" : null;
        conn.writeResponse(status, JSON, extra, wire.errorBody(status, message).getBytes(StandardCharsets.UTF_8),
                req.keepAlive());
        return req.keepAlive();
    }

    /**
     * Renders every format once so class loading and Jackson's first-use setup (about two seconds on a busy
     * machine) happen in start() instead of inside the first request, where they would look like a slow provider.
     */
    static void warmUp(ReplyPlan plan) throws IOException {
        JsonNode body = Wire.MAPPER.readTree("{\"messages\":[{\"content\":\"warm up\"}],\"stream\":true}");
        Wire.Sink discard = (sse, paced) -> sse.getBytes(StandardCharsets.UTF_8);
        for (Wire wire : new Wire[] {OpenAiWire.INSTANCE, AnthropicWire.INSTANCE, GeminiWire.INSTANCE}) {
            Wire.Exchange ex = new Wire.Exchange(wire.model(body), wire.estimatePromptTokens(body), true);
            wire.completion(plan, ex).getBytes(StandardCharsets.UTF_8);
            wire.stream(plan, ex, discard);
            wire.errorBody(429, "warm up");
        }
        try {
            Thread.ofVirtual().start(() -> { }).join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Signals that the scripted cut point was reached; not an I/O failure, so not an aborted stream. */
    private static final class StreamCut extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StreamCut() {
            super(null, null, false, false);
        }
    }

    /** Writes each event as its own chunk, spacing content pieces and watching for a departed client meanwhile. */
    private static final class Pacer implements Wire.Sink {
        private final HttpConnection conn;
        private final long delayMs;
        private final int cutAfter;
        private final StringBuilder written = new StringBuilder();
        private int sent;
        private int paced;

        Pacer(HttpConnection conn, long delayMs, int cutAfter) {
            this.conn = conn;
            this.delayMs = delayMs;
            this.cutAfter = cutAfter;
        }

        @Override
        public void event(String sse, boolean pacedEvent) throws IOException {
            if (cutAfter >= 0 && sent >= cutAfter) {
                throw new StreamCut();
            }
            if (pacedEvent && paced++ > 0 && delayMs > 0 && conn.clientGoneWithin(delayMs)) {
                throw new IOException("client left mid-stream");
            }
            conn.writeChunk(sse.getBytes(StandardCharsets.UTF_8));
            written.append(sse);
            sent++;
        }
    }
}
