package dev.caravan.serving;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * camel-platform-http's Spring Boot consumer, callable on the request's own thread. Its {@link #service} hands the
 * exchange to another thread and returns a future, which makes Spring MVC start an async request and dispatch it a
 * second time through the servlet stack once the route is done: on virtual threads the request thread may simply
 * block, so {@link DirectPlatformHttp} calls {@link #serve} instead. Binding, header filtering, streamed bodies and
 * error handling are the consumer's own, unchanged.
 */
final class DirectConsumer extends SpringBootPlatformHttpConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(DirectConsumer.class);

    /** Upper-case methods the route accepts; null when it accepts any. */
    private final Set<String> methods;

    DirectConsumer(PlatformHttpEndpoint endpoint, Processor processor, Executor executor) {
        super(endpoint, processor, executor);
        String restrict = endpoint.getHttpMethodRestrict();
        this.methods = restrict == null ? null
                : Set.of(restrict.toUpperCase(Locale.ROOT).replace(" ", "").split(","));
    }

    /** True when this consumer can serve the request on the direct path. */
    boolean accepts(String method) {
        return methods == null || methods.contains(method);
    }

    /** What {@link #service} does on its executor, done here and now. */
    void serve(HttpServletRequest request, HttpServletResponse response) {
        try {
            handleService(request, response);
        } catch (Exception e) {
            LOG.warn("Error handling request due to: {}", e.getMessage(), e);
            try {
                if (!response.isCommitted()) {
                    response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
                }
            } catch (Exception ignored) {
                // the client is gone; nothing left to tell it
            }
        }
    }
}
