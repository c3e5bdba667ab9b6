package dev.caravan.budget;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** Which webhook addresses reach inside the gateway's own network. */
class WebhookTargetsTest {

    @ParameterizedTest(name = "{0} internal: {1}")
    @CsvSource({
            "127.0.0.1, true", "127.9.9.9, true", "0.0.0.0, true", "0.1.2.3, true", "10.0.0.1, true",
            "172.16.0.1, true", "172.31.255.255, true", "192.168.1.1, true", "169.254.169.254, true",
            "100.64.0.1, true", "100.127.255.255, true", "224.0.0.1, true", "::1, true", "::, true", "fe80::1, true",
            "fc00::1, true", "fd12:3456::1, true", "::ffff:127.0.0.1, true", "ff02::1, true",
            "8.8.8.8, false", "172.32.0.1, false", "100.128.0.1, false", "100.63.255.255, false",
            "2001:4860:4860::8888, false"})
    void classifies_addresses(String address, boolean internal) throws Exception {
        assertThat(WebhookTargets.isInternal(InetAddress.getByName(address))).isEqualTo(internal);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"http://127.0.0.1:9000/hook", "http://localhost/hook", "http://[::1]/hook", "http://10.0.0.2/"})
    void refuses_internal_hosts_unless_allowed(String url) {
        assertThat(new WebhookTargets(false).refusal(URI.create(url))).contains("loopback, private");
        assertThat(new WebhookTargets(true).refusal(URI.create(url))).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"https://203.0.113.7/hook", "https://hooks.invalid/caravan"})
    void lets_public_and_unresolvable_hosts_through(String url) {
        // an unresolvable name is checked again when an alert is sent
        assertThat(new WebhookTargets(false).refusal(URI.create(url))).isNull();
    }
}
