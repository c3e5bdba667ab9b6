package dev.caravan.serving;

import dev.caravan.canonical.Json;
import dev.caravan.format.openai.ErrorBody;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.PlatformHttpListener;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves {@code platform-http:} routes straight from the servlet filter chain, on the request's (virtual) thread.
 * Through Spring MVC every request to a route cost a handler lookup, a {@code HandlerMethod} with its argument and
 * validation resolution, an async start and a second dispatch through every filter: about a third of the gateway's
 * CPU per request. Here a route is found by its exact path in a map kept up to date by the platform-http component
 * (routes come and go with route reloads). Anything else (a path with placeholders, a prefix match, a method the
 * route does not accept, {@code /actuator/health}) goes on down the chain to Spring MVC as before, which also keeps
 * the mappings of every route and answers those cases (405, 404) in the usual OpenAI error shape.
 *
 * <p>Tomcat listens before Camel has started the routes (Spring starts the web server first): until the Camel
 * context is up, an API path is answered 503 {@code not_ready} with a {@code Retry-After}, which clients retry,
 * rather than Spring MVC's 404 "no such endpoint", which they do not.
 */
public final class DirectPlatformHttp implements Filter, PlatformHttpListener {

    /** The paths of the gateway's APIs (every platform-http route serves one below it). */
    private static final String API = "/v1/";
    private static final byte[] NOT_READY = Json.write(new ErrorBody(new ErrorBody.Detail(
            "The gateway is starting and not serving yet; retry in a moment.", "api_error", null, "not_ready")));

    private final Map<String, DirectConsumer> routes = new ConcurrentHashMap<>();
    private final CamelContext camel;

    DirectPlatformHttp(PlatformHttpComponent component) {
        this.camel = component.getCamelContext();
        component.addPlatformHttpListener(this);
        component.getHttpEndpoints().forEach(this::registerHttpEndpoint);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (req instanceof HttpServletRequest request && res instanceof HttpServletResponse response) {
            String path = path(request);
            DirectConsumer consumer = routes.get(path);
            if (consumer != null && consumer.accepts(request.getMethod())) {
                consumer.serve(request, response);
                return;
            }
            if (!camel.isStarted() && path.startsWith(API)) {
                notReady(response);
                return;
            }
        }
        chain.doFilter(req, res);
    }

    private static void notReady(HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", "1");
        response.setContentType("application/json");
        response.setContentLength(NOT_READY.length);
        response.getOutputStream().write(NOT_READY);
    }

    private static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context.isEmpty() ? uri : uri.substring(context.length());
    }

    @Override
    public void registerHttpEndpoint(HttpEndpointModel model) {
        if (model.getConsumer() instanceof DirectConsumer consumer && direct(consumer.getEndpoint())) {
            routes.put(consumer.getEndpoint().getPath(), consumer);
        }
    }

    @Override
    public void unregisterHttpEndpoint(HttpEndpointModel model) {
        if (model.getConsumer() instanceof DirectConsumer consumer) {
            routes.remove(consumer.getEndpoint().getPath(), consumer);
        }
    }

    /** Only plain paths are looked up here; templates and prefix matches stay with Spring MVC's matching. */
    private static boolean direct(PlatformHttpEndpoint endpoint) {
        String path = endpoint.getPath();
        return path != null && !path.contains("{") && !endpoint.isMatchOnUriPrefix();
    }
}
