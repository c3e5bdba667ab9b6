package dev.caravan.api;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.catalog.ModelCatalog;
import dev.caravan.format.anthropic.MessagesApiReader;
import dev.caravan.format.anthropic.MessagesApiResponses;
import dev.caravan.format.anthropic.MessagesModelIds;
import dev.caravan.format.anthropic.MessagesSseEncoder;
import dev.caravan.routing.GatewayCall;
import dev.caravan.usage.TokenCount;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Map;

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
     * {@code POST /v1/messages/count_tokens}: the request's input tokens as the gateway's tokenizer (o200k) counts
     * them, for any target, and marked as an estimate ({@code x-caravan-token-count: estimate}); Anthropic's own
     * count for Anthropic targets is not asked for yet. Nothing is generated, so nothing is metered.
     */
    public void countTokens(Exchange exchange) {
        Message in = exchange.getMessage();
        MessagesApiReader.Read read = MessagesApiReader.readForCounting(intake.jsonBytes(in));
        GatewayCall call = intake.route(exchange, withCatalogModel(read.request()));
        long tokens = TokenCount.input(call.request());
        in.removeHeaders("*");
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        in.setHeader("x-caravan-token-count", "estimate");
        in.setBody(Json.write(Map.of("input_tokens", tokens)));
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
        Answer answer = Answer.of(exchange);
        String model = answer.call().servingModel();
        if (answer.streamed()) {
            answer.stream(new MessagesSseEncoder(model, answer.call().warnings()), heartbeat);
        } else {
            answer.write(MessagesApiResponses.toJson(answer.completion(), model));
        }
    }
}
