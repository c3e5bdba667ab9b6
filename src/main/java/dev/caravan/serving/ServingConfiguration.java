package dev.caravan.serving;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * How {@code platform-http:} routes are served: by {@link DirectPlatformHttp} on the request thread, with Spring
 * MVC behind it for whatever the direct path does not take.
 */
@Configuration(proxyBeanMethods = false)
class ServingConfiguration {

    /** Replaces camel-platform-http-starter's engine (it backs off when one exists) to create {@link DirectConsumer}s. */
    /** The name is the one the platform-http component looks up. */
    @Bean(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME)
    PlatformHttpEngine platformHttpEngine(@Value("${server.port:8080}") int port) {
        // the executor only serves requests that still take the Spring MVC path
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        return new SpringBootPlatformHttpEngine(port, executor) {
            @Override
            public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
                return new DirectConsumer(endpoint, processor, executor);
            }
        };
    }

    @Bean
    FilterRegistrationBean<DirectPlatformHttp> directPlatformHttp(CamelContext camel) {
        FilterRegistrationBean<DirectPlatformHttp> registration = new FilterRegistrationBean<>(
                new DirectPlatformHttp(camel.getComponent("platform-http", PlatformHttpComponent.class)));
        // right after Spring Boot's CharacterEncodingFilter (HIGHEST_PRECEDENCE), which makes request bodies UTF-8
        // and after the observation filter (HIGHEST_PRECEDENCE + 1), so http.server.requests metrics and traces, once
        // turned on, still see these requests
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        registration.addUrlPatterns("/*");
        return registration;
    }

    /**
     * Tomcat's connector on {@link GuardedHttp11NioProtocol}: per-address connection cap, total header deadline, idle
     * and body timeouts from {@link ConnectionProperties}. Spring Boot's {@code server.tomcat.*} settings still apply
     * to it as to Tomcat's own protocol.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> connectionLimits(ConnectionProperties settings) {
        return factory -> {
            factory.setProtocol(GuardedHttp11NioProtocol.class.getName());
            factory.addConnectorCustomizers(connector ->
                    ((GuardedHttp11NioProtocol) connector.getProtocolHandler()).apply(settings));
        };
    }

    /** Tomcat's error page for requests it refuses itself (oversized or malformed headers) in OpenAI's shape. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonErrorReports() {
        return factory -> factory.addContextCustomizers(context ->
                ((StandardHost) context.getParent()).setErrorReportValveClass(JsonErrorReportValve.class.getName()));
    }
}
