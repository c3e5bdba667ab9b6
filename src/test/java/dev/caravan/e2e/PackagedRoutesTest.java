package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Json;
import dev.caravan.simulator.ProviderSimulator;
import dev.caravan.simulator.Reply;
import dev.caravan.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway run the way a new user runs the jar: from a folder with no routes/ in it (issue 11, where this exited
 * with NoSuchFileException). The routes packaged with it serve; an absolute caravan.routes.directory holding flat
 * files, as a Kubernetes ConfigMap mounts them, replaces the packaged file of the same name and adds the others.
 */
class PackagedRoutesTest {

    private static final String KEY = "cvn-test-packaged-routes-key-01234";
    private static final ProviderSimulator SIMULATOR = ProviderSimulator.start(0);

    @TempDir
    Path folder;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.destroyForcibly();
        }
    }

    @AfterAll
    static void stopSimulator() {
        SIMULATOR.close();
    }

    @Test
    void serves_from_a_folder_without_routes_with_a_directory_that_replaces_and_adds_route_files() throws Exception {
        SIMULATOR.setDefaultReply(Reply.text("Hello from the packaged routes").usage(3, 4));
        Path workingDirectory = Files.createDirectory(folder.resolve("elsewhere"));
        Path mine = Files.createDirectory(folder.resolve("my-routes"));
        String classify = Files.readString(Path.of("routes/tiers/classify.yaml"));
        // flat, as a ConfigMap mounts it: replaces the packaged tiers/classify.yaml by its name
        Files.writeString(mine.resolve("classify.yaml"), classify.replace(
                "\"google/gemini-2.5-flash, openai/gpt-5-mini\"", "\"anthropic/claude-haiku-4.5\""));
        Files.writeString(mine.resolve("summarise.yaml"), classify.replace("classify", "summarise"));
        int port = freePort();
        Path log = folder.resolve("gateway.log");

        gateway = TestGateway.withKey(KEY).providersAt(SIMULATOR).set("server.port", port)
                .set("caravan.routes.directory", mine).in(workingDirectory).startProcess(log);
        awaitReady(port, log);

        assertThat(Files.exists(workingDirectory.resolve("routes"))).isFalse();
        HttpResponse<String> plain = chat(port, "openai/gpt-5-mini");
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        JsonNode answer = Json.MAPPER.readTree(plain.body());
        assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("Hello from the packaged routes");
        assertThat(chat(port, "tier/classify").headers().firstValue("x-caravan-model"))
                .hasValue("anthropic/claude-haiku-4.5");
        HttpResponse<String> added = chat(port, "tier/summarise");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertThat(added.headers().firstValue("x-caravan-model")).hasValue("google/gemini-2.5-flash");
        assertThat(Files.readString(log)).containsPattern("route files: \\d+ packaged, 2 from " + mine
                + " \\(1 of them replacing a packaged one\\)");
    }

    private HttpResponse<String> chat(int port, String model) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"%s","messages":[{"role":"user","content":"Hi"}]}""".formatted(model)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private void awaitReady(int port, Path log) {
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/health/readiness")).timeout(Duration.ofSeconds(5)).build();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(gateway.isAlive()).as("gateway process (see %s)", log).isTrue();
            try {
                return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
