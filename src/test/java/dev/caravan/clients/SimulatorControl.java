package dev.caravan.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.caravan.canonical.Json;
import dev.caravan.routing.ProviderHealth;
import dev.caravan.simulator.ProviderSimulator;
import dev.caravan.simulator.RecordedRequest;
import dev.caravan.simulator.Reply;
import dev.caravan.simulator.ToolCallSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * The provider simulator's script, offered over HTTP to a test harness in another process (the node clients), which
 * has no other way to say what the simulated model answers next. Loopback only, for the length of one test:
 * <ul>
 *   <li>{@code POST /reset}: clears the simulator's queue and records and the providers' health;</li>
 *   <li>{@code POST /replies}: queues {@code [{"text","reasoning","chunks","usage":[prompt,completion]} |
 *       {"toolCalls":[{"name","arguments":{…}}],"usage":[…]} | {"error":status,"message"} |
 *       {"error":{"status","message"}}]} in order;</li>
 *   <li>{@code GET /last-request}: {@code {"path","body"}} of the last request the simulator received, so a client
 *       test can check what its request became in the provider's format.</li>
 * </ul>
 * A malformed script is a 400 with the reason, so the harness fails on it instead of on a confusing answer.
 */
final class SimulatorControl implements AutoCloseable {

    private final HttpServer server;

    private SimulatorControl(HttpServer server) {
        this.server = server;
    }

    static SimulatorControl start(ProviderSimulator simulator, ProviderHealth health) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/reset", exchange -> answer(exchange, () -> {
                simulator.reset();
                // a circuit opened by one case must not route the next one
                health.reset();
                return null;
            }));
            server.createContext("/replies", exchange -> answer(exchange, () -> {
                simulator.enqueue(replies(Json.tree(exchange.getRequestBody().readAllBytes())));
                return null;
            }));
            server.createContext("/last-request", exchange -> answer(exchange, () -> {
                RecordedRequest last = simulator.lastRequest();
                if (last == null) {
                    throw new IllegalArgumentException("the simulator has received no request since the reset");
                }
                ObjectNode node = Json.MAPPER.createObjectNode().put("path", last.path());
                node.set("body", Json.tree(last.body().getBytes(StandardCharsets.UTF_8)));
                return node;
            }));
            server.start();
            return new SimulatorControl(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the simulator control server", e);
        }
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * One scripted reply per element: text (split into {@code chunks} stream pieces) or tool calls, with usage, or
     * an HTTP error from the provider.
     */
    static Reply[] replies(JsonNode script) {
        if (!script.isArray()) {
            throw new IllegalArgumentException("the script must be a JSON array of replies");
        }
        List<Reply> replies = new ArrayList<>();
        for (JsonNode spec : script) {
            if (spec.has("error")) {
                // a provider failure: {"error":503,"message":"..."} or {"error":{"status":503,"message":"..."}}
                JsonNode error = spec.path("error");
                replies.add(error.isObject()
                        ? Reply.error(error.path("status").asInt(500), error.path("message").asText("Simulated error"))
                        : Reply.error(error.asInt(), spec.path("message").asText("failed")));
                continue;
            }
            Reply reply = spec.has("toolCalls") ? Reply.toolCalls(toolCalls(spec.path("toolCalls")))
                    : Reply.text(spec.path("text").asText(""));
            if (spec.has("reasoning")) {
                reply = reply.withReasoning(spec.path("reasoning").asText());
            }
            if (spec.has("chunks")) {
                reply = reply.chunks(spec.path("chunks").asInt());
            }
            JsonNode usage = spec.path("usage");
            if (usage.isArray() && usage.size() == 2) {
                reply = reply.usage(usage.get(0).asInt(), usage.get(1).asInt());
            }
            replies.add(reply);
        }
        return replies.toArray(Reply[]::new);
    }

    private static ToolCallSpec[] toolCalls(JsonNode calls) {
        List<ToolCallSpec> specs = new ArrayList<>();
        for (JsonNode call : calls) {
            specs.add(ToolCallSpec.of(call.path("name").asText(), call.path("arguments").toString()));
        }
        return specs.toArray(ToolCallSpec[]::new);
    }

    private interface Action {
        JsonNode run() throws IOException;
    }

    private static void answer(HttpExchange exchange, Action action) throws IOException {
        try (exchange) {
            byte[] body;
            int status;
            try {
                JsonNode result = action.run();
                status = result == null ? 204 : 200;
                body = result == null ? new byte[0] : result.toString().getBytes(StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                status = 400;
                body = String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "text/plain");
            exchange.sendResponseHeaders(status, status == 204 ? -1 : body.length);
            if (status != 204) {
                exchange.getResponseBody().write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
