package dev.caravan.e2e;

import dev.caravan.routing.TierRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
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
import java.net.http.HttpRequest;
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
    private static final Path TEMPLATE = ROUTES.resolve("tiers/workflow-tier.yaml");
    private static final String TEMPLATE_ORIGINAL = read(TEMPLATE);
    private static final Path MODELS = ROUTES.resolve("api/models.yaml");
    private static final String MODELS_ORIGINAL = read(MODELS);
    private static final Path USAGE_WRITER = ROUTES.resolve("shared/usage-writer.yaml");
    private static final String USAGE_WRITER_ORIGINAL = read(USAGE_WRITER);

    @Autowired
    private CamelContext camel;

    @Autowired
    private RouteReloader reloader;

    @Autowired
    private TierRegistry tiers;

    @DynamicPropertySource
    static void routesDirectory(DynamicPropertyRegistry registry) {
        registry.add("caravan.routes.directory", ROUTES::toString);
        registry.add("caravan.routes.reload-interval", () -> "100ms");
    }

    @AfterEach
    void restore() throws IOException {
        Files.deleteIfExists(ROUTES.resolve("tiers/summarise.yaml"));
        Files.writeString(TIER, ORIGINAL);
        Files.writeString(MODELS, MODELS_ORIGINAL);
        Files.writeString(TEMPLATE, TEMPLATE_ORIGINAL);
        Files.writeString(USAGE_WRITER, USAGE_WRITER_ORIGINAL);
        reloader.check();
    }

    @Test
    void an_edit_of_a_route_fed_by_an_in_memory_queue_waits_for_a_restart(CapturedOutput output) throws Exception {
        Route running = camel.getRoute("usage-writer");
        Files.writeString(USAGE_WRITER, USAGE_WRITER_ORIGINAL + "# edited while the gateway serves\n");

        reloader.check();

        assertThat(camel.getRoute("usage-writer")).as("the running route, not a replacement").isSameAs(running);
        assertThat(output.getAll()).contains("route file shared/usage-writer.yaml changed, but its routes take "
                + "records from an in-memory queue");
        assertThat(chat(simpleRequest("openai/gpt-5", false)).statusCode()).isEqualTo(200);
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

    @Test
    void a_rejected_edit_logs_that_the_old_version_keeps_serving_and_no_stop_of_it(CapturedOutput output)
            throws Exception {
        for (String broken : new String[] {
                ORIGINAL.replace("parameters:", "parameters: [unclosed"),
                ORIGINAL.replace("value: \"256\"", "value: lots"),
                ORIGINAL.replace("routeTemplateRef: workflow-tier", "routeTemplateRef: no-such-template")}) {
            int from = output.getAll().length();
            Files.writeString(TIER, broken);

            reloader.check();

            String logged = output.getAll().substring(from);
            assertThat(logged).contains("route file tiers/classify.yaml rejected, the previous version keeps running")
                    .doesNotContain("Stopped tier-classify").doesNotContain("Shutdown tier-classify");
            assertThat(servingModel()).isEqualTo("google/gemini-2.5-flash");
        }
    }

    @Test
    void an_edit_naming_a_bean_or_component_the_gateway_lacks_is_refused_before_its_route_stops(
            CapturedOutput output) throws Exception {
        String step = "        - bean:\n            ref: modelsApi";
        assertThat(MODELS_ORIGINAL).contains(step);
        Route running = camel.getRoute("api-models");
        for (String broken : new String[] {"        - process:\n            ref: noSuchStep\n",
                "        - to: \"no-such-scheme:anywhere\"\n"}) {
            int from = output.getAll().length();
            Files.writeString(MODELS, MODELS_ORIGINAL.replace(step, broken + step));

            reloader.check();

            String logged = output.getAll().substring(from);
            assertThat(logged).contains("route file api/models.yaml rejected, the previous version keeps running: "
                    + "route api-models").doesNotContain("put back").doesNotContain("Stopped api-models");
            // the very route that ran before: never stopped, so no request found it missing
            assertThat(camel.getRoute("api-models")).isSameAs(running);
        }
        assertThat(output.getAll()).contains("names bean 'noSuchStep', which this gateway does not have",
                "no component 'no-such-scheme'");
    }

    @Test
    void every_shipped_route_file_passes_the_check_made_before_a_reload() throws Exception {
        try (Stream<Path> files = Files.walk(ROUTES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                assertThat(reloader.preflight(file)).as(file.toString()).isEmpty();
            }
        }
    }

    @Test
    void an_edit_failing_after_its_route_was_replaced_puts_the_old_one_back_and_says_so(CapturedOutput output)
            throws Exception {
        String step = "        - bean:\n            ref: modelsApi";
        assertThat(MODELS_ORIGINAL).contains(step);
        // a component Camel has, an option it only refuses while creating the route
        Files.writeString(MODELS, MODELS_ORIGINAL.replace(step, "        - to: \"direct:x?noSuchOption=1\"\n" + step));

        reloader.check();

        assertThat(output.getAll()).contains("route file api/models.yaml rejected, the previous version keeps running "
                + "(put back after the edit had replaced it)");
        HttpResponse<String> models = http.send(HttpRequest.newBuilder(uri("/v1/models"))
                .header("Authorization", "Bearer " + GATEWAY_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(models.statusCode()).isEqualTo(200);
    }

    @Test
    void a_default_edited_in_the_tier_template_reaches_the_tiers_that_leave_it_out(CapturedOutput output)
            throws Exception {
        String cap = "        required: false\n";
        assertThat(TEMPLATE_ORIGINAL).contains(cap);
        assertThat(tiers.tier("vision").orElseThrow().maxTokens()).isNull();

        Files.writeString(TEMPLATE, TEMPLATE_ORIGINAL.replace(cap, cap + "        defaultValue: \"1000\"\n"));
        reloader.check();

        assertThat(output.getAll()).containsPattern("route file tiers/workflow-tier.yaml reloaded: \\[.*tier-vision");
        assertThat(tiers.tier("vision").orElseThrow().maxTokens()).isEqualTo(1000);
        assertThat(tiers.tier("client-facing").orElseThrow().maxTokens()).isEqualTo(1000);
        // a tier's own value still wins over the default
        assertThat(tiers.tier("classify").orElseThrow().maxTokens()).isEqualTo(256);

        Files.writeString(TEMPLATE, TEMPLATE_ORIGINAL.replace(cap, cap + "        defaultValue: lots\n"));
        reloader.check();

        assertThat(output.getAll()).contains("route file tiers/workflow-tier.yaml rejected, the previous version "
                + "keeps running (put back after the edit had replaced it)");
        assertThat(tiers.tier("vision").orElseThrow().maxTokens()).isEqualTo(1000);
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
