package dev.caravan.serving;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How long and how many client connections the gateway's port holds ({@code caravan.server.*}), so that slow clients
 * (slowloris: headers trickled a few bytes every few seconds, which no between-reads timeout ever ends) cannot take
 * all of Tomcat's {@code server.tomcat.max-connections} (8,192) and stop the service for everyone, without a key.
 * Applied to the connector by {@link GuardedHttp11NioProtocol}.
 *
 * @param maxConnectionsPerAddress connections one client address may hold open at once; a connection beyond it is
 *                                 closed as soon as it is accepted, without an answer, and the others of that address
 *                                 are served on. This is what keeps one attacking address from taking every slot.
 *                                 Loopback is an address like any other. Behind a reverse proxy or load balancer
 *                                 every connection comes from the proxy's few addresses: raise it to
 *                                 {@code server.tomcat.max-connections} there, and cap per client in the proxy
 * @param ipv6PrefixLength         IPv6 clients are counted per network of this prefix length (a host is usually
 *                                 handed a whole /64, and could otherwise use a fresh address per connection);
 *                                 128 counts each address on its own
 * @param headerTimeout            the longest a connection may take to deliver a request's line and headers in
 *                                 full, however steadily its bytes arrive: counted from the accept for a
 *                                 connection's first request (so a connection that never sends is cut too), from the
 *                                 first byte after the previous request for later ones. Past it the connection is
 *                                 closed, without an answer, within about a second. This is what bounds an attack
 *                                 from many addresses: each slow connection gives its slot back after this long.
 *                                 Before that, when the open connections reach nine tenths of
 *                                 {@code server.tomcat.max-connections}, those that have waited longest for a request
 *                                 are closed until eight tenths are left, so a new client always finds a slot
 * @param idleTimeout              the longest a kept-alive connection may wait, silent, for its next request
 *                                 (Tomcat's {@code keepAliveTimeout}); clients open a new connection after it
 * @param bodyTimeout              the longest silence while a request body is read, between any two reads
 *                                 (Tomcat's {@code connectionUploadTimeout}); the body's total size is bounded by
 *                                 {@code caravan.max-request-size}. {@code server.tomcat.connection-timeout} still
 *                                 bounds writes to a client that stopped reading a stream
 */
@Validated
@ConfigurationProperties("caravan.server")
public record ConnectionProperties(
        @Min(1) @DefaultValue("256") int maxConnectionsPerAddress,
        @Min(1) @Max(128) @DefaultValue("64") int ipv6PrefixLength,
        @NotNull @DurationMin(millis = 100) @DefaultValue("10s") Duration headerTimeout,
        @NotNull @DurationMin(millis = 1) @DefaultValue("20s") Duration idleTimeout,
        @NotNull @DurationMin(millis = 1) @DefaultValue("30s") Duration bodyTimeout) {
}
