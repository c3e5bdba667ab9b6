package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Json;
import dev.caravan.testing.TestGateway;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gateway instances as a client and an administrator reach them, over HTTP only: the admin API (with the admin key),
 * chat completions, and usage read back through a gateway key.
 */
final class PublicApi {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** A project with one key in it; reports and credits through the key see only the project's requests. */
    record Tenant(String projectId, String secret) {
    }

    private final String adminKey;

    PublicApi(String adminKey) {
        this.adminKey = adminKey;
    }

    /** The project is created on one instance and its key on another: they share the database. */
    Tenant tenant(ConfigurableApplicationContext projectOn, ConfigurableApplicationContext keyOn, String name)
            throws IOException, InterruptedException {
        String project = admin(projectOn, "POST", "/v1/admin/projects", "{\"name\":\"" + name + "\"}").path("id")
                .asText();
        String secret = admin(keyOn, "POST", "/v1/admin/keys", """
                {"name":"%s","projectId":"%s"}""".formatted(name, project)).path("secret").asText();
        return new Tenant(project, secret);
    }

    /** A budget of the default (monthly) period. */
    void budget(ConfigurableApplicationContext instance, String scope, String subject, String limitUsd, String mode)
            throws IOException, InterruptedException {
        admin(instance, "POST", "/v1/admin/budgets", """
                {"scope":"%s","subject":"%s","limitUsd":%s,"mode":"%s"}""".formatted(scope, subject, limitUsd, mode));
    }

    JsonNode admin(ConfigurableApplicationContext instance, String method, String path, String json)
            throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(TestGateway.uri(instance, path))
                .header("Authorization", "Bearer " + adminKey).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isBetween(200, 201);
        return json(response);
    }

    static HttpRequest.Builder chatRequest(ConfigurableApplicationContext instance, String secret, String json) {
        return HttpRequest.newBuilder(TestGateway.uri(instance, "/v1/chat/completions"))
                .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(json));
    }

    static HttpResponse<String> chat(ConfigurableApplicationContext instance, String secret, String json)
            throws IOException, InterruptedException {
        return HTTP.send(chatRequest(instance, secret, json).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(ConfigurableApplicationContext instance, String secret, String path)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(TestGateway.uri(instance, path))
                .header("Authorization", "Bearer " + secret).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * {@code /v1/report}'s results for today, yesterday and tomorrow (UTC), so a test that runs over midnight still
     * sees all its requests.
     */
    static JsonNode report(ConfigurableApplicationContext instance, String secret, String groupBy)
            throws IOException, InterruptedException {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        HttpResponse<String> response = get(instance, secret, "/v1/report?start_date=" + today.minusDays(1)
                + "&end_date=" + today.plusDays(1) + "&group_by=" + groupBy);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response).path("results");
    }

    /** The chunks of an SSE body, {@code [DONE]} and comments left out. */
    static List<JsonNode> chunks(String events) {
        return events.lines().filter(line -> line.startsWith("data: {"))
                .map(line -> Json.tree(line.substring("data: ".length()).getBytes(StandardCharsets.UTF_8))).toList();
    }

    /** The usage of a stream ({@code stream_options.include_usage}): its last chunk with one. */
    static JsonNode usageOf(String events) {
        return chunks(events).stream().map(chunk -> chunk.path("usage")).filter(usage -> !usage.isMissingNode()
                && !usage.isNull()).reduce((first, second) -> second).orElseThrow();
    }

    /** {@code /v1/credits} writes amounts as decimal strings, as Vercel does. */
    static BigDecimal usd(JsonNode amount) {
        assertThat(amount.isTextual()).as("%s is a decimal string", amount).isTrue();
        return new BigDecimal(amount.asText());
    }

    static JsonNode json(HttpResponse<String> response) {
        return Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
    }
}
