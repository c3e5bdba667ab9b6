package dev.caravan.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code providerOptions.gateway.caching: "auto"} through real HTTP: Anthropic (gamma) gets a cache breakpoint at the
 * end of the system prompt; OpenAI-format providers (alpha) cache on their own and get the request unchanged.
 */
class PromptCachingTest extends RoutingTestBase {

    private static final String SYSTEM = "You are the librarian of a large library.";

    /** A chat request with a system prompt, routed by the providerOptions.gateway object {@code gateway}. */
    private static String withSystemPrompt(String gateway) {
        return """
                {"model":"acme/large","messages":[{"role":"system","content":"%s"},{"role":"user","content":"hi"}],
                 "providerOptions":{"gateway":%s}}""".formatted(SYSTEM, gateway);
    }

    @Test
    void marks_the_end_of_the_system_prompt_for_anthropic() throws Exception {
        GAMMA.enqueue(Reply.text("from gamma"));

        HttpResponse<String> response = chat(withSystemPrompt("{\"order\":[\"gamma\"],\"caching\":\"auto\"}"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode system = json(GAMMA.lastRequest().body()).path("system");
        assertThat(system.isArray()).isTrue();
        assertThat(system.get(system.size() - 1).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        assertThat(system.get(system.size() - 1).path("text").asText()).isEqualTo(SYSTEM);
        assertThat(GAMMA.lastRequest().body()).doesNotContain("providerOptions");
    }

    @Test
    void passes_the_request_unchanged_to_a_provider_that_caches_on_its_own() throws Exception {
        ALPHA.enqueue(Reply.text("from alpha"));

        HttpResponse<String> response = chat(withSystemPrompt("{\"order\":[\"alpha\"],\"caching\":\"auto\"}"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("alpha");
        String body = ALPHA.lastRequest().body();
        assertThat(body).doesNotContain("cache_control").doesNotContain("providerOptions");
        assertThat(json(body).at("/messages/0/content").asText()).isEqualTo(SYSTEM);
    }

    @Test
    void marks_nothing_for_anthropic_unless_asked() throws Exception {
        GAMMA.enqueue(Reply.text("from gamma"));

        chat(withSystemPrompt("{\"order\":[\"gamma\"]}"));

        String body = GAMMA.lastRequest().body();
        assertThat(body).doesNotContain("cache_control");
        assertThat(json(body).path("system").asText()).isEqualTo(SYSTEM);
    }
}
