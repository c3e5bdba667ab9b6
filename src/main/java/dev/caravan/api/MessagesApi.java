package dev.caravan.api;

import dev.caravan.accounting.RequestMeter;
import dev.caravan.accounting.Served;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Warning;
import dev.caravan.catalog.ModelCatalog;
import dev.caravan.format.anthropic.MessagesApiReader;
import dev.caravan.format.anthropic.MessagesApiResponses;
import dev.caravan.format.anthropic.MessagesModelIds;
import dev.caravan.format.anthropic.MessagesSseEncoder;
import dev.caravan.routing.AttemptPlan;
import dev.caravan.routing.GatewayCall;
import dev.caravan.stream.ChunkStream;
import dev.caravan.stream.SseResponseBody;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The Anthropic Messages API, {@code POST /v1/messages}, as Claude Code and the Anthropic SDKs call it, served by any
 * provider: {@link #accept} reads the request into the canonical shape, {@link #respond} writes the provider's answer
 * back in Anthropic's wire format. Errors are the route configuration's (routes/shared/anthropic-errors.yaml).
 */
@Component("messagesApi")
public class MessagesApi {

    private final Intake intake;
    private final ModelCatalog catalog;
    private final Duration heartbeat;

    public MessagesApi(Intake intake, ModelCatalog catalog, ApiProperties properties) {
        this.intake = intake;
        this.catalog = catalog;
        this.heartbeat = properties.streamHeartbeat();
    }

    /**
     * Reads and checks the request and keeps it as the exchange's {@link GatewayCall}. Any {@code anthropic-version}
     * is accepted: the reader takes what it knows of every version and warns about the rest.
     */
    public void accept(Exchange exchange) {
        MessagesApiReader.Read read = MessagesApiReader.read(intake.jsonBytes(exchange.getMessage()));
        GatewayCall call = intake.route(exchange, withCatalogModel(read.request()));
        call.readFromAnthropicClient();
        call.warnings().addAll(read.warnings());
    }

    /**
     * Claude Code sends Anthropic's ids ({@code claude-sonnet-4-6}, dated ids); they are served as the catalog's
     * model. An id that resolves to nothing is left as sent, so a {@code tier/<name>} still finds its tier and an
     * unknown model is refused by {@link Intake#route} naming what the client sent.
     */
    private ChatRequest withCatalogModel(ChatRequest request) {
        return MessagesModelIds.resolve(request.model(), catalog.ids())
                .filter(id -> !id.equals(request.model()))
                .map(request::withModel)
                .orElse(request);
    }

    /**
     * Writes the serving provider's answer in Anthropic's format and reports it to the request's meter; the route's
     * {@code settleRequest} step after this one settles it (a stream, when it ends) and adds the headers every
     * answer carries.
     */
    public void respond(Exchange exchange) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        AttemptPlan plan = exchange.getProperty(AttemptPlan.PROPERTY, AttemptPlan.class);
        RequestMeter meter = exchange.getProperty(RequestMeter.PROPERTY, RequestMeter.class);
        meter.served(Served.of(call, plan));
        Message out = exchange.getMessage();
        Object answer = out.getBody();
        out.removeHeaders("*");
        out.setHeader("x-caravan-provider", call.provider());
        out.setHeader("x-caravan-model", call.servingModel());
        if (answer instanceof ChunkStream stream) {
            out.setHeader(Exchange.CONTENT_TYPE, "text/event-stream");
            out.setHeader("Cache-Control", "no-cache");
            // proxies in front of the gateway must not buffer the stream either
            out.setHeader("X-Accel-Buffering", "no");
            MessagesSseEncoder encoder = new MessagesSseEncoder(call.servingModel(), call.warnings());
            out.setBody(new SseResponseBody(stream, encoder, meter, call.provider(), heartbeat));
        } else if (answer instanceof ChatCompletion completion) {
            out.setHeader(Exchange.CONTENT_TYPE, "application/json");
            if (completion.usage() == null && completion.choices() != null) {
                // no usage from the provider: the meter counts the answer itself (and marks it estimated)
                completion.choices().forEach(choice -> meter.output(choice.message()));
            }
            BigDecimal cost = meter.answered(completion.usage(), ChatCompletionsApi.finishReason(completion));
            if (cost != null) {
                out.setHeader("x-caravan-cost", cost.toPlainString());
            }
            out.setBody(MessagesApiResponses.toJson(completion.renamed(meter.generationId(), call.servingModel())
                    .withWarnings(Warning.merge(completion.warnings(), call.warnings())), call.servingModel()));
        } else {
            throw new IllegalStateException("provider route returned " + answer);
        }
    }
}
