package dev.caravan.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Streams may change provider until their first event reaches the client, and never after. */
class StreamFailoverTest extends RoutingTestBase {

    private static List<JsonNode> events(String body) {
        List<JsonNode> out = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (event.startsWith("data: {")) {
                out.add(json(event.substring(6)));
            }
        }
        return out;
    }

    private static String text(List<JsonNode> events) {
        StringBuilder sb = new StringBuilder();
        events.forEach(e -> sb.append(e.at("/choices/0/delta/content").asText("")));
        return sb.toString();
    }

    @Test
    void serves_a_stream_from_the_next_provider_when_the_first_fails_before_its_first_event() throws Exception {
        ALPHA.enqueue(Reply.text("never seen").cutAfterChunks(0));
        BETA.enqueue(Reply.text("from beta").chunks(2));

        HttpResponse<String> response = chat(request("acme/large", true, null));

        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> events = events(response.body());
        assertThat(text(events)).isEqualTo("from beta");
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
        JsonNode routing = events.stream().filter(e -> e.has("provider_metadata")).findFirst().orElseThrow()
                .at("/provider_metadata/gateway/routing");
        assertThat(attempts(routing)).containsExactly("alpha:false", "beta:true");
    }

    @Test
    void with_include_usage_the_final_usage_chunk_carries_the_routing_metadata_too() throws Exception {
        ALPHA.enqueue(Reply.text("never seen").cutAfterChunks(0));
        BETA.enqueue(Reply.text("from beta").chunks(2).usage(7, 3));

        HttpResponse<String> response = chat(request("acme/large", true, null)
                .replace("\"stream\":true", "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));

        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> events = events(response.body());
        JsonNode last = events.getLast();
        assertThat(last.path("choices")).isEmpty();
        assertThat(last.at("/usage/completion_tokens").asInt()).isEqualTo(3);
        assertThat(attempts(last.at("/provider_metadata/gateway/routing"))).containsExactly("alpha:false", "beta:true");
        JsonNode finish = events.stream().filter(e -> !e.at("/choices/0/finish_reason").isMissingNode()
                && !e.at("/choices/0/finish_reason").isNull()).findFirst().orElseThrow();
        assertThat(attempts(finish.at("/provider_metadata/gateway/routing"))).containsExactly("alpha:false", "beta:true");
    }

    @Test
    void serves_a_stream_from_the_next_provider_when_the_first_answers_an_error_status() throws Exception {
        GAMMA.enqueue(Reply.error(529, "overloaded"));
        BETA.enqueue(Reply.text("from beta"));

        HttpResponse<String> response = chat(request("acme/large", true, "{\"order\":[\"gamma\",\"beta\"]}"));

        assertThat(text(events(response.body()))).isEqualTo("from beta");
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("beta");
    }

    @Test
    void ends_a_stream_with_an_error_event_when_the_provider_fails_after_its_first_event() throws Exception {
        ALPHA.enqueue(Reply.text("one two three four five").chunks(5).cutAfterChunks(3));
        BETA.enqueue(Reply.text("must not be mixed in"));

        HttpResponse<String> response = chat(request("acme/large", true, null));

        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> events = events(response.body());
        assertThat(events.getLast().at("/error/type").asText()).isEqualTo("api_error");
        assertThat(response.body()).doesNotContain("[DONE]").doesNotContain("must not be mixed in");
        assertThat(BETA.requests()).isEmpty();
    }

    @Test
    void gives_up_on_a_stream_whose_first_event_is_late() throws Exception {
        ALPHA.enqueue(Reply.stall());
        BETA.enqueue(Reply.text("on time"));

        HttpResponse<String> response = chat(request("acme/large", true, "{\"providerTimeouts\":{\"alpha\":300}}"));

        assertThat(text(events(response.body()))).isEqualTo("on time");
    }
}
