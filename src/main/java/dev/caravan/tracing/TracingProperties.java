package dev.caravan.tracing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's traces ({@code caravan.tracing.*}): one trace per request, a span per provider attempt.
 *
 * @param otlpEndpoint where spans are sent over OTLP/HTTP (protobuf), the collector's base URL such as
 *                     {@code http://otel-collector:4318} ({@code /v1/traces} is added); defaults to the standard
 *                     {@code OTEL_EXPORTER_OTLP_ENDPOINT}. Empty: no tracing, and no cost on the request path (a
 *                     no-op tracer, no span objects)
 * @param serviceName  the {@code service.name} resource attribute the spans carry ({@code OTEL_SERVICE_NAME})
 * @param sampleRatio  the share of new traces recorded (0 to 1); a request whose {@code traceparent} says sampled
 *                     or not is recorded as its caller decided
 */
@Validated
@ConfigurationProperties("caravan.tracing")
public record TracingProperties(
        @DefaultValue("") String otlpEndpoint,
        @DefaultValue("caravan") String serviceName,
        @DefaultValue("1.0") double sampleRatio) {

    public TracingProperties {
        if (sampleRatio < 0 || sampleRatio > 1) {
            throw new IllegalArgumentException("caravan.tracing.sample-ratio must be between 0 and 1, not "
                    + sampleRatio);
        }
    }

    public boolean exporting() {
        return otlpEndpoint != null && !otlpEndpoint.isBlank();
    }

    /** The signal's URL: the OTLP base endpoint with {@code /v1/traces}, as the OTLP exporter spec defines it. */
    public String tracesUrl() {
        String base = otlpEndpoint.endsWith("/") ? otlpEndpoint.substring(0, otlpEndpoint.length() - 1) : otlpEndpoint;
        return base.endsWith("/v1/traces") ? base : base + "/v1/traces";
    }
}
