package dev.caravan.metrics;

import dev.caravan.admin.AdminKey;
import dev.caravan.auth.AuthProperties;
import dev.caravan.error.ErrorKind;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may scrape, for each way the gateway can be set up: the admin key, the metrics token, both or neither, and
 * anonymous scrapes. The e2e MetricsTest checks the answer on the wire for one of them.
 */
class MetricsAccessTest {

    private static final String ADMIN = "cvn-admin-key-for-access-test";
    private static final String TOKEN = "cvn-metrics-token-for-access-test";

    @ParameterizedTest(name = "admin key {0}, token {1}, anonymous {2}: {3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            set   | -   | false | -                   | AUTHENTICATION
            set   | -   | false | Bearer wrong        | AUTHENTICATION
            set   | -   | false | Bearer cvn-admin-key-for-access-test     | OK
            set   | -   | false | Bearer cvn-metrics-token-for-access-test | AUTHENTICATION
            set   | set | false | Bearer cvn-metrics-token-for-access-test | OK
            set   | set | false | Bearer cvn-admin-key-for-access-test     | OK
            -     | set | false | Bearer cvn-metrics-token-for-access-test | OK
            -     | set | false | -                   | AUTHENTICATION
            -     | set | false | Bearer cvn-admin-key-for-access-test     | AUTHENTICATION
            -     | -   | false | Bearer anything     | PERMISSION_DENIED
            -     | -   | false | -                   | PERMISSION_DENIED
            -     | -   | true  | -                   | OK
            set   | set | true  | -                   | OK
            """)
    void lets_only_the_configured_credentials_scrape(String admin, String token, boolean anonymous,
                                                      String authorization, String expected) throws Exception {
        MetricsAccess access = new MetricsAccess(
                new AdminKey(new AuthProperties("gateway-key-for-access-test", List.of(), admin == null ? "" : ADMIN)),
                new MetricsProperties(true, token == null ? "" : TOKEN, anonymous));
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/actuator/prometheus");
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        access.doFilter(request, response, chain);

        if ("OK".equals(expected)) {
            assertThat(chain.getRequest()).isSameAs(request);
            return;
        }
        ErrorKind kind = ErrorKind.valueOf(expected);
        assertThat(chain.getRequest()).isNull();
        assertThat(response.getStatus()).isEqualTo(kind.status());
        assertThat(response.getContentType()).isEqualTo("application/json");
        JsonNode error = Json.tree(response.getContentAsByteArray()).get("error");
        assertThat(error.get("type").asText()).isEqualTo(kind.type());
        assertThat(error.get("message").asText()).doesNotContain(ADMIN, TOKEN);
    }
}
