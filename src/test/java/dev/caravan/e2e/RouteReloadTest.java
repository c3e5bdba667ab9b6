package dev.caravan.e2e;

import dev.caravan.serving.RouteReloader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Route files edited on disk take effect on the next request; a broken edit leaves the previous routes running. */
@ExtendWith(OutputCaptureExtension.class)
class RouteReloadTest extends GatewayTestBase {

    /** A private copy of routes/, so the tests can edit files without touching the project's. */
    private static final Path ROUTES = copyOfRoutes();
    private static final Path TIER = ROUTES.resolve("tiers/classify.yaml");
    private static final String ORIGINAL = read(TIER);

    @Autowired
    private RouteReloader reloader;

    @DynamicPropertySource
    static void routesDirectory(DynamicPropertyRegistry registry) {
        registry.add("caravan.routes.directory", ROUTES::toString);
        registry.add("caravan.routes.reload-interval", () -> "100ms");
    }

    @AfterEach
    void restore() throws IOException {
        Files.deleteIfExists(ROUTES.resolve("tiers/summarise.yaml"));
        Files.writeString(TIER, ORIGINAL);
        reloader.check();
    }

    private String servingModel() throws Exception {
        HttpResponse<String> response = chat(simpleRequest("tier/classify", false));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.headers().firstValue("x-caravan-model").orElseThrow();
    }

    @Test
    void a_tier_edited_on_disk_changes_which_model_serves_the_next_request(CapturedOutput output) throws Exception {
        assertThat(servingModel()).isEqualTo("google/gemini-2.5-flash");

        Files.writeString(TIER, ORIGINAL.replace("\"google/gemini-2.5-flash, openai/gpt-5-mini\"",
                "\"anthropic/claude-haiku-4.5\""));

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> servingModel().equals("anthropic/claude-haiku-4.5"));
        assertThat(output.getAll()).contains("route file tiers/classify.yaml reloaded: [tier-classify]");
    }

    @Test
    void a_tier_file_added_on_disk_serves_its_tier(CapturedOutput output) throws Exception {
        Files.writeString(ROUTES.resolve("tiers/summarise.yaml"), ORIGINAL.replace("classify", "summarise")
                .replace("\"google/gemini-2.5-flash, openai/gpt-5-mini\"", "\"anthropic/claude-haiku-4.5\""));

        reloader.check();

        assertThat(output.getAll()).contains("route file tiers/summarise.yaml reloaded: [tier-summarise]");
        HttpResponse<String> response = chat(simpleRequest("tier/summarise", false));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue("anthropic/claude-haiku-4.5");
    }

    @Test
    void a_broken_edit_is_rejected_and_the_previous_route_keeps_serving(CapturedOutput output) throws Exception {
        Files.writeString(TIER, ORIGINAL.replace("parameters:", "parameters: [unclosed"));

        reloader.check();

        assertThat(output.getAll()).contains("route file tiers/classify.yaml rejected, the previous version keeps running");
        assertThat(servingModel()).isEqualTo("google/gemini-2.5-flash");
    }

    @Test
    void an_edit_naming_an_unknown_template_is_rejected_after_the_fact_and_undone(CapturedOutput output)
            throws Exception {
        Files.writeString(TIER, ORIGINAL.replace("routeTemplateRef: workflow-tier", "routeTemplateRef: no-such-template"));

        reloader.check();

        assertThat(output.getAll()).contains("route file tiers/classify.yaml rejected");
        assertThat(servingModel()).isEqualTo("google/gemini-2.5-flash");
    }

    @Test
    void a_tier_edit_no_request_could_be_served_by_is_rejected_and_the_previous_tier_keeps_serving(
            CapturedOutput output) throws Exception {
        Files.writeString(TIER, ORIGINAL.replace("value: \"256\"", "value: lots"));

        reloader.check();

        assertThat(output.getAll()).contains("route file tiers/classify.yaml rejected, the previous version keeps "
                + "running: tier classify caps output at 'lots'");
        assertThat(servingModel()).isEqualTo("google/gemini-2.5-flash");

        Files.writeString(TIER, ORIGINAL.replace("\"google/gemini-2.5-flash, openai/gpt-5-mini\"", "\" , \""));

        reloader.check();

        assertThat(output.getAll()).contains("a workflow tier needs at least one model");
        assertThat(servingModel()).isEqualTo("google/gemini-2.5-flash");
    }

    private static Path copyOfRoutes() {
        try {
            Path target = Files.createTempDirectory("caravan-routes");
            Path source = Path.of("routes");
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path p : walk.toList()) {
                    Path to = target.resolve(source.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to);
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
