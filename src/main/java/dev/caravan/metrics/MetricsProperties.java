package dev.caravan.metrics;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's metrics ({@code caravan.metrics.*}), scraped at {@code /actuator/prometheus}.
 *
 * @param enabled   records every settled request's series (requests, latency, time to first token, tokens, cost,
 *                  attempts, fallbacks, overhead) and the gauges (circuits, budgets, usage queue, spool); false
 *                  leaves only what Spring Boot measures itself (JVM, Tomcat, connection pool)
 * @param token     a bearer token that may scrape, besides the admin key ({@code CARAVAN_METRICS_TOKEN}): lets
 *                  Prometheus scrape without holding the admin key. Empty: only the admin key may
 * @param anonymous lets anyone who reaches the port scrape, without a key; for a scrape port that only the
 *                  monitoring network reaches. The series name projects, providers and models, never a key
 */
@Validated
@ConfigurationProperties("caravan.metrics")
public record MetricsProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("") String token,
        @DefaultValue("false") boolean anonymous) {
}
