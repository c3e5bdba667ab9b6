package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lax input the probe found served or crashed on: each case gets a 400 in OpenAI's error shape naming the field
 * at fault, no provider is called, and the gateway serves the next ordinary request.
 */
class BadInputTest extends GatewayTestBase {

    private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

    static Stream<Arguments> chatBodies() {
        return Stream.of(
                Arguments.of("negative max_tokens", "{\"model\":\"openai/gpt-5\",\"max_tokens\":-5," + MESSAGES + "}",
                        "max_tokens"),
                Arguments.of("zero max_tokens", "{\"model\":\"openai/gpt-5\",\"max_tokens\":0," + MESSAGES + "}",
                        "max_tokens"),
                Arguments.of("fractional max_tokens",
                        "{\"model\":\"openai/gpt-5\",\"max_tokens\":1.5," + MESSAGES + "}", "max_tokens"),
                Arguments.of("zero max_completion_tokens",
                        "{\"model\":\"openai/gpt-5\",\"max_completion_tokens\":0," + MESSAGES + "}",
                        "max_completion_tokens"),
                Arguments.of("a second JSON document", "{\"model\":\"openai/gpt-5\"," + MESSAGES + "}{\"a\":1}", null),
                Arguments.of("trailing garbage", "{\"model\":\"openai/gpt-5\"," + MESSAGES + "} garbage", null),
                Arguments.of("gateway options not an object",
                        "{\"model\":\"openai/gpt-5\"," + MESSAGES + ",\"providerOptions\":{\"gateway\":42}}",
                        "providerOptions.gateway"),
                Arguments.of("provider options not an object",
                        "{\"model\":\"openai/gpt-5\"," + MESSAGES + ",\"providerOptions\":\"x\"}", "providerOptions"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chatBodies")
    void a_bad_chat_request_is_a_400_naming_its_field_and_the_gateway_serves_on(String name, String body, String param)
            throws Exception {
        HttpResponse<String> response = chat(body);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).isNotBlank();
        if (param != null) {
            assertThat(error.path("param").asText()).isEqualTo(param);
        }
        assertThat(SIMULATOR.requests()).isEmpty();
        assertServesOn();
    }

    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("reportDates")
    void report_dates_out_of_range_are_a_400(String start, String end, String param) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        uri("/v1/report?start_date=" + start + "&end_date=" + end))
                .header("Authorization", "Bearer " + GATEWAY_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).path("error").path("param").asText()).isEqualTo(param);
        assertServesOn();
    }

    static Stream<Arguments> reportDates() {
        return Stream.of(
                Arguments.of("-999999999-01-01", "%2B999999999-12-31", "start_date"),
                Arguments.of("2026-01-01", "%2B999999999-12-31", "end_date"),
                Arguments.of("2026-02-30", "2026-03-01", "start_date"));
    }

    private void assertServesOn() throws Exception {
        SIMULATOR.enqueue(Reply.text("still here"));
        assertThat(chat(simpleRequest("openai/gpt-5", false)).statusCode()).isEqualTo(200);
    }
}
