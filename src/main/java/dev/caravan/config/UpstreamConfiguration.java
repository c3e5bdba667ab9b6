package dev.caravan.config;

import dev.caravan.routing.UpstreamProperties;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.IdleConnectionEvictor;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

/**
 * The connection pool camel-http uses for every provider call, named in {@code application.yaml} as
 * {@code camel.component.http.client-connection-manager}. camel-http builds its own pools with HttpClient's default
 * connection config, which checks a pooled connection for staleness only after 2 s of idleness and never closes idle
 * ones: a connection the provider closed sooner was handed to the next request, which failed with
 * {@code NoHttpResponseException} and counted as a provider failure (a failover, a circuit-breaker hit, or a 502;
 * IdleConnectionTest). Retrying that request instead is not an option: a POST to a model may have reached it, and would bill twice.
 */
@Configuration(proxyBeanMethods = false)
public class UpstreamConfiguration {

    /** Shared by every endpoint, so camel-http never closes it; Spring does, after Camel has stopped. */
    @Bean(destroyMethod = "close")
    public PoolingHttpClientConnectionManager upstreamConnections(UpstreamProperties upstream) {
        Timeout readTimeout = Timeout.of(upstream.readTimeout());
        return PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(upstream.maxConnections())
                .setMaxConnPerRoute(upstream.maxConnectionsPerHost())
                // the socket's timeout while connecting (TLS handshake included) ...
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(readTimeout).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(upstream.connectTimeout()))
                        // ... and on every use of the connection after it
                        .setSocketTimeout(readTimeout)
                        .setValidateAfterInactivity(TimeValue.of(upstream.validateAfterInactivity()))
                        .build())
                .build();
    }

    /**
     * HttpClient's own evictor: camel-http's clients share the pool above, and a client only starts an evictor for
     * a pool it owns.
     */
    @Bean(initMethod = "start", destroyMethod = "shutdown")
    public IdleConnectionEvictor upstreamIdleConnectionEvictor(PoolingHttpClientConnectionManager upstreamConnections,
            UpstreamProperties upstream) {
        Duration maxIdle = upstream.maxIdle();
        return new IdleConnectionEvictor(upstreamConnections,
                TimeValue.ofMilliseconds(Math.max(1, maxIdle.toMillis() / 3)), TimeValue.of(maxIdle));
    }
}
