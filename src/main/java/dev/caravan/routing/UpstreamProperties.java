package dev.caravan.routing;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * The pool of keep-alive connections to providers ({@code caravan.upstream.*}), shared by every provider route
 * (built by config.UpstreamConfiguration). How each request uses it (no automatic retries, no redirects, the wait for
 * a free connection) stays under {@code camel.component.http.*}.
 *
 * @param maxConnections          connections to all providers together; camel-http's default of 200 caps
 *                                concurrent streams far below what one gateway holds
 * @param maxConnectionsPerHost   connections to one provider host (host and port) at most
 * @param connectTimeout          the longest wait for a new connection to be established
 * @param readTimeout             the longest silence while reading an answer, between any two bytes; long
 *                                non-streamed generations and slow streams need patience. {@code 0s} = no limit
 *                                (the first-byte timeout of {@code caravan.routing} applies either way)
 * @param validateAfterInactivity a pooled connection idle at least this long is checked before reuse (a read of at
 *                                most 1 ms), so one the provider closed meanwhile is replaced instead of failing the
 *                                request that would have been sent on it. The check cannot see a connection a
 *                                middlebox dropped without a word; {@code maxIdle} covers those
 * @param maxIdle                 pooled connections idle this long are closed by the gateway (checked every third
 *                                of it), before the provider's own keep-alive timeout does it under a request that
 *                                is on its way. The default closes them within 3 to 4 s, below the common 5 s; each
 *                                costs a new connection (and TLS handshake) later
 */
@Validated
@ConfigurationProperties("caravan.upstream")
public record UpstreamProperties(
        @Min(1) @DefaultValue("4000") int maxConnections,
        @Min(1) @DefaultValue("4000") int maxConnectionsPerHost,
        @NotNull @DurationMin(millis = 1) @DefaultValue("10s") Duration connectTimeout,
        @NotNull @DurationMin(millis = 0) @DefaultValue("600s") Duration readTimeout,
        @NotNull @DurationMin(millis = 0) @DefaultValue("1s") Duration validateAfterInactivity,
        @NotNull @DurationMin(millis = 1) @DefaultValue("3s") Duration maxIdle) {
}
