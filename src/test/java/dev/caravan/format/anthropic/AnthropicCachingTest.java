package dev.caravan.format.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.routing.RoutingOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code caching: "auto"}: one prompt-cache breakpoint at the end of the static prefix (tools, then system), within
 * Anthropic's limit of four breakpoints per request, counting those the client placed itself.
 */
class AnthropicCachingTest {

    private static final RoutingOptions AUTO = RoutingOptions.from(null, "{\"caching\":\"auto\"}");
    private static final String TOOLS = """
            "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}},
                     {"type":"function","function":{"name":"get_time","parameters":{"type":"object"}}}]""";
    private static final String MARK = "\"cache_control\":{\"type\":\"ephemeral\"}";
    private static final String SYSTEM_AND_USER = """
            [{"role":"system","content":"You are a librarian."},
             {"role":"developer","content":"Cite the catalogue."},
             {"role":"user","content":"Hello"}]""";
    private static final String USER_ONLY = "[{\"role\":\"user\",\"content\":\"Hello\"}]";

    private final AnthropicFormat format = new AnthropicFormat();
    private final List<Warning> warnings = new ArrayList<>();

    private JsonNode upstream(String requestJson, RoutingOptions options) {
        ChatRequest request = Json.read(requestJson, ChatRequest.class);
        return Json.tree(format.toUpstream(request, "claude-sonnet-4-5", options.hints(false), warnings).body());
    }

    private static String request(String messagesJson, String moreFields) {
        return "{\"model\":\"gw-model\",\"max_tokens\":100,\"messages\":" + messagesJson
                + (moreFields.isEmpty() ? "" : "," + moreFields) + "}";
    }

    /** Every cache_control in the body, at any depth. */
    private static int marks(JsonNode body) {
        return body.findValues("cache_control").size();
    }

    @Test
    void marks_the_system_prompt_sending_it_as_a_block() {
        JsonNode body = upstream(request(SYSTEM_AND_USER, ""), AUTO);

        JsonNode system = body.path("system");
        assertThat(system.isArray()).isTrue();
        assertThat(system).hasSize(1);
        assertThat(system.get(0).path("type").asText()).isEqualTo("text");
        assertThat(system.get(0).path("text").asText()).isEqualTo("You are a librarian.\n\nCite the catalogue.");
        assertThat(system.get(0).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        assertThat(marks(body)).isEqualTo(1);
        assertThat(warnings).isEmpty();
    }

    @Test
    void marks_the_last_system_block_when_the_client_marked_an_earlier_one() {
        JsonNode body = upstream(request("""
                [{"role":"system","content":[{"type":"text","text":"Long manual",%s},
                                             {"type":"text","text":"Today's notes"}]},
                 {"role":"user","content":"Hello"}]""".formatted(MARK), ""), AUTO);

        assertThat(body.path("system").get(0).has("cache_control")).isTrue();
        assertThat(body.path("system").get(1).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        assertThat(marks(body)).isEqualTo(2);
    }

    @Test
    void marks_the_last_tool_when_there_is_no_system_prompt() {
        JsonNode body = upstream(request(USER_ONLY, TOOLS), AUTO);

        assertThat(body.path("tools").get(0).has("cache_control")).isFalse();
        assertThat(body.path("tools").get(1).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        assertThat(marks(body)).isEqualTo(1);
    }

    @Test
    void marks_only_the_system_prompt_when_there_are_tools_too_because_tools_come_before_it() {
        JsonNode body = upstream(request(SYSTEM_AND_USER, TOOLS), AUTO);

        assertThat(body.path("system").get(0).has("cache_control")).isTrue();
        assertThat(marks(body.path("tools"))).isZero();
        assertThat(marks(body)).isEqualTo(1);
    }

    @Test
    void adds_nothing_without_a_system_prompt_or_tools() {
        JsonNode body = upstream(request(USER_ONLY, ""), AUTO);

        assertThat(marks(body)).isZero();
        assertThat(body.has("system")).isFalse();
        assertThat(warnings).isEmpty();
    }

    @Test
    void does_not_duplicate_a_mark_the_client_put_on_the_last_system_block() {
        JsonNode body = upstream(request("""
                [{"role":"system","content":[{"type":"text","text":"Long manual",%s}]},
                 {"role":"user","content":"Hello"}]""".formatted(MARK), TOOLS), AUTO);

        assertThat(marks(body)).isEqualTo(1);
        assertThat(warnings).isEmpty();
    }

    @Test
    void counts_the_clients_marks_and_adds_one_only_while_fewer_than_four() {
        // three marks in messages, one of them inside a tool result
        String threeMarks = """
                [{"role":"system","content":"You are a librarian."},
                 {"role":"user","content":[{"type":"text","text":"Book one",%1$s}]},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                   "function":{"name":"get_weather","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"Sunny",%1$s}]},
                 {"role":"user","content":[{"type":"text","text":"Book two",%1$s}]}]""".formatted(MARK);

        JsonNode body = upstream(request(threeMarks, TOOLS), AUTO);

        assertThat(body.path("system").get(0).has("cache_control")).isTrue();
        assertThat(marks(body)).isEqualTo(4);
        assertThat(warnings).isEmpty();
    }

    @Test
    void adds_no_fifth_mark_and_says_so_when_the_client_placed_four() {
        String fourMarks = """
                [{"role":"system","content":"You are a librarian."},
                 {"role":"user","content":[{"type":"text","text":"One",%1$s},{"type":"text","text":"Two",%1$s},
                                           {"type":"text","text":"Three",%1$s},{"type":"text","text":"Four",%1$s}]}]"""
                .formatted(MARK);

        JsonNode body = upstream(request(fourMarks, TOOLS), AUTO);

        assertThat(body.path("system").isTextual()).isTrue();
        assertThat(marks(body)).isEqualTo(4);
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.type()).isEqualTo("adjusted_parameter");
            assertThat(w.param()).isEqualTo("caching");
        });
    }

    @Test
    void marks_nothing_when_caching_is_not_requested() {
        String system = request(SYSTEM_AND_USER, TOOLS);
        ChatRequest request = Json.read(system, ChatRequest.class);

        JsonNode withoutOptions = Json.tree(format.toUpstream(request, "claude-sonnet-4-5", warnings).body());
        JsonNode noCaching = upstream(system, RoutingOptions.from(null, "{\"order\":[\"gamma\"]}"));
        JsonNode otherValue = upstream(system, RoutingOptions.from(null, "{\"caching\":\"off\"}"));

        for (JsonNode body : List.of(withoutOptions, noCaching, otherValue)) {
            assertThat(marks(body)).isZero();
            assertThat(body.path("system").isTextual()).isTrue();
        }
    }
}
