package dev.caravan.admin;

import dev.caravan.e2e.GatewayTestBase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The gateway of {@link GatewayTestBase} with the admin API switched on, on its own in-memory H2. */
abstract class AdminTestBase extends GatewayTestBase {

    static final String ADMIN_KEY = "cvn-test-admin-key-9876543210";

    @DynamicPropertySource
    static void adminKey(DynamicPropertyRegistry registry) {
        registry.add("CARAVAN_ADMIN_KEY", () -> ADMIN_KEY);
    }

    HttpResponse<String> admin(String method, String path, String json) throws IOException, InterruptedException {
        return send(method, path, json, ADMIN_KEY);
    }

    HttpResponse<String> send(String method, String path, String json, String key)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A chat completion sent with {@code key}. */
    HttpResponse<String> chatWith(String key) throws IOException, InterruptedException {
        return http.send(post("/v1/chat/completions", simpleRequest("openai/gpt-5-mini", false))
                .setHeader("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    }
}
