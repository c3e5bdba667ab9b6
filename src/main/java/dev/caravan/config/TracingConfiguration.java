package dev.caravan.config;

import dev.caravan.tracing.Tracing;
import dev.caravan.tracing.TracingProperties;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * The OpenTelemetry SDK behind {@link Tracing}: spans batched and sent over OTLP/HTTP (protobuf, through the JDK's
 * HttpClient) when {@code caravan.tracing.otlp-endpoint} is set, else the no-op API, which makes tracing free. Any
 * {@link SpanProcessor} bean in the context gets the spans too (a test's in-memory exporter, an extra exporter of a
 * deployment's own), and turns tracing on by itself. This bean also stands in for Spring Boot's own
 * {@code OpenTelemetry}, which backs off when one exists.
 */
@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(TracingConfiguration.class);

    @Bean
    OpenTelemetry openTelemetry(TracingProperties properties, ObjectProvider<SpanProcessor> processors) {
        List<SpanProcessor> extra = processors.orderedStream().toList();
        if (!properties.exporting() && extra.isEmpty()) {
            return OpenTelemetry.noop();
        }
        SdkTracerProviderBuilder builder = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"),
                        properties.serviceName()))))
                // a caller's sampling decision (its traceparent's flag) is kept; new traces by the ratio
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(properties.sampleRatio())));
        extra.forEach(builder::addSpanProcessor);
        if (properties.exporting()) {
            OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(properties.tracesUrl()).build();
            // spans leave on the processor's own thread, in batches: never on the request path
            builder.addSpanProcessor(BatchSpanProcessor.builder(exporter).build());
            LOG.info("traces are sent over OTLP to {}", properties.tracesUrl());
        }
        SdkTracerProvider tracerProvider = builder.build();
        // closed with the context: the last batch is flushed on a graceful shutdown
        return OpenTelemetrySdk.builder()
                .setTracerProvider(tracerProvider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    @Bean
    Tracing tracing(OpenTelemetry openTelemetry) {
        return new Tracing(openTelemetry);
    }
}
