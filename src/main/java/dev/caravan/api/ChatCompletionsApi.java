package dev.caravan.api;

import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.catalog.ModelCatalog;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.routing.GatewayCall;
import dev.caravan.routing.RoutingMetadata;
import dev.caravan.routing.RoutingOptions;
import dev.caravan.routing.RoutingProperties;
import dev.caravan.routing.TierRegistry;
import dev.caravan.stream.ChunkStream;
import dev.caravan.usage.RequestMeter;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The OpenAI-compatible {@code /v1/chat/completions} API, as the API route calls it: {@link #accept} reads and
 * checks the request and its routing options, {@link #respond} writes the provider's answer back in OpenAI's wire format.
 */
@Component("chatCompletionsApi")
public class ChatCompletionsApi {

    private final ModelCatalog catalog;
    private final TierRegistry tiers;
    private final long maxRequestBytes;
    private final Duration heartbeat;
    private final int maxFallbackModels;

    public ChatCompletionsApi(ModelCatalog catalog, TierRegistry tiers, ApiProperties properties,
                              RoutingProperties routing) {
        this.catalog = catalog;
        this.tiers = tiers;
        this.maxRequestBytes = properties.maxRequestSize().toBytes();
        this.heartbeat = properties.streamHeartbeat();
        this.maxFallbackModels = routing.maxFallbackModels();
    }

    /**
     * Reads and checks the request. On the chat route a metering step ran before it ({@code meterRequest}), so the
     * meter learns the request; {@code /v1/routing/explain} reads requests the same way but is no generation and has
     * no meter, and so leaves no usage record.
     */
    public void accept(Exchange exchange) {
        RequestMeter meter = exchange.getProperty(RequestMeter.PROPERTY, RequestMeter.class);
        Message in = exchange.getMessage();
        String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new GatewayException(ErrorKind.UNSUPPORTED_MEDIA_TYPE,
                    "Send the request as 'Content-Type: application/json'.");
        }
        Long length = in.getHeader("Content-Length", Long.class);
        if (length != null && length > maxRequestBytes) {
            throw new GatewayException(ErrorKind.PAYLOAD_TOO_LARGE,
                    "The request body is larger than the gateway accepts (" + maxRequestBytes + " bytes).");
        }
        ChatRequest request = ChatRequestReader.read(bodyReader(in), maxRequestBytes);
        // routing options are for the gateway: a provider would reject the unknown field
        RoutingOptions options = RoutingOptions.from(request.extra().remove(RoutingOptions.BODY_FIELD),
                in.getHeader(RoutingOptions.HEADER, String.class))
                .requireFallbacksAtMost(maxFallbackModels, request.model());
        GatewayCall call = new GatewayCall(request, options);
        if (meter != null) {
            meter.attach(call);
        }
        String tier = call.tier();
        if (tier != null) {
            TierRegistry.apply(call, tiers.tier(tier).orElseThrow(() -> GatewayException.modelNotFound(request.model())));
        } else if (catalog.model(request.model()).isEmpty()) {
            throw GatewayException.modelNotFound(request.model());
        }
        exchange.setProperty(GatewayCall.PROPERTY, call);
        in.setBody(null);
    }

    public void respond(Exchange exchange) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        RequestMeter meter = exchange.getProperty(RequestMeter.PROPERTY, RequestMeter.class);
        Message out = exchange.getMessage();
        Object answer = out.getBody();
        out.removeHeaders("*");
        out.setHeader("x-caravan-generation-id", meter.generationId());
        out.setHeader("x-caravan-provider", call.provider());
        out.setHeader("x-caravan-model", call.servingModel());
        out.setHeader("x-caravan-attempts", RoutingMetadata.header(call));
        meter.rateLimitHeaders().forEach(out::setHeader);
        if (answer instanceof ChunkStream stream) {
            out.setHeader(Exchange.CONTENT_TYPE, "text/event-stream");
            out.setHeader("Cache-Control", "no-cache");
            // proxies in front of the gateway must not buffer the stream either
            out.setHeader("X-Accel-Buffering", "no");
            out.setBody(new OpenAiSseBody(stream, call, meter, heartbeat));
        } else if (answer instanceof ChatCompletion completion) {
            out.setHeader(Exchange.CONTENT_TYPE, "application/json");
            if (completion.usage() == null && completion.choices() != null) {
                // no usage from the provider: the meter counts the answer itself (and marks it estimated)
                completion.choices().forEach(choice -> meter.countOutput(choice.message()));
            }
            BigDecimal cost = meter.succeeded(completion.usage(), finishReason(completion));
            if (cost != null) {
                out.setHeader("x-caravan-cost", cost.toPlainString());
            }
            if (cost != null && completion.usage() != null) {
                completion = completion.withUsage(completion.usage().withCost(cost));
            }
            out.setBody(Json.write(completion.renamed(meter.generationId(), call.servingModel())
                    .withWarnings(merge(completion.warnings(), call.warnings()))
                    .withExtra(RoutingMetadata.FIELD, RoutingMetadata.of(call))));
        } else {
            throw new IllegalStateException("provider route returned " + answer);
        }
    }

    private static String finishReason(ChatCompletion completion) {
        return completion.choices() == null || completion.choices().isEmpty() ? null
                : completion.choices().get(0).finishReason();
    }

    static List<Warning> merge(List<Warning> fromProvider, List<Warning> fromGateway) {
        if (fromProvider == null || fromProvider.isEmpty()) {
            return fromGateway;
        }
        List<Warning> all = new ArrayList<>(fromProvider);
        all.addAll(fromGateway);
        return all;
    }

    private static Reader bodyReader(Message in) {
        Object body = in.getBody();
        if (body instanceof Reader reader) {
            return reader;
        }
        if (body == null) {
            return null;
        }
        // a route test may hand a String or bytes straight to the route
        return new StringReader(in.getBody(String.class));
    }
}
