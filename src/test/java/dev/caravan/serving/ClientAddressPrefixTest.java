package dev.caravan.serving;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** Which address a connection counts against for the per-address cap. */
class ClientAddressPrefixTest {

    @ParameterizedTest(name = "{0} /{1} counts as {2}")
    @CsvSource({
            "2001:db8:1:2:aaaa:bbbb:cccc:dddd, 64, 2001:db8:1:2::",
            "2001:db8:1:2:ffff::1, 64, 2001:db8:1:2::",
            "2001:db8:1:2:aaaa:bbbb:cccc:dddd, 56, 2001:db8:1::",
            "2001:db8:1:2ff:aaaa::, 60, 2001:db8:1:2f0::",
            "2001:db8:1:2:aaaa:bbbb:cccc:dddd, 128, 2001:db8:1:2:aaaa:bbbb:cccc:dddd",
            "::1, 64, ::",
            "192.0.2.7, 64, 192.0.2.7",
            "::ffff:192.0.2.7, 64, 192.0.2.7"})
    void ipv6_clients_count_per_network_prefix_and_ipv4_clients_per_address(String address, int prefix, String key)
            throws Exception {
        GuardedNioEndpoint endpoint = new GuardedNioEndpoint();
        endpoint.limit(256, prefix, java.time.Duration.ofSeconds(10));

        assertThat(endpoint.client(InetAddress.getByName(address))).isEqualTo(InetAddress.getByName(key));
    }
}
