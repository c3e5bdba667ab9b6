package dev.caravan.api;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.catalog.ModelCatalog;
import dev.caravan.error.ErrorResponder;
import dev.caravan.error.GatewayException;
import dev.caravan.format.ClientBody;
import dev.caravan.format.ProviderFormats;
import dev.caravan.format.anthropic.AnthropicFormat;
import dev.caravan.format.anthropic.MessagesApiReader;
import dev.caravan.format.anthropic.MessagesApiResponses;
import dev.caravan.format.anthropic.MessagesModelIds;
import dev.caravan.format.anthropic.MessagesPassThroughEncoder;
import dev.caravan.format.anthropic.MessagesSseEncoder;
import dev.caravan.routing.Attempt;
import dev.caravan.routing.AttemptPlanner;
import dev.caravan.routing.GatewayCall;
import dev.caravan.usage.TokenCount;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Anthropic Messages API, {@code POST /v1/messages}, as Claude Code and the Anthropic SDKs call it, served by any
 * provider: {@link #accept} reads the request into the canonical shape, {@link #respond} writes the provider's answer
 * back in Anthropic's wire format. Errors are the route configuration's (routes/shared/anthropic-errors.yaml).
 */
@Component("messagesApi")
public class MessagesApi {

    static final String BETA_HEADER = "anthropic-beta";
    static final String DROPPED_BETAS_HEADER = "x-caravan-dropped-betas";
    static final String TOKEN_COUNT_HEADER = "x-caravan-token-count";
    static final String TOKEN_COUNT_FALLBACK_HEADER = "x-caravan-token-count-fallback";
    /** Which provider's count_tokens route the count_tokens route is to call, when one can count exactly. */
    public static final String COUNT_PROVIDER_PROPERTY = "caravanCountProvider";
    /** A provider's counting route is {@code provider-<name>-count-tokens}, from {@code direct:count-tokens-<name>}. */
    private static final String COUNT_ROUTE_PREFIX = "provider-";
    private static final String COUNT_ROUTE_SUFFIX = "-count-tokens";

    private final Intake intake;
    private final ModelCatalog catalog;
    private final ProviderFormats formats;
    private final AttemptPlanner planner;
    private final Duration heartbeat;
    private final Set<String> allowedBetas;

    public MessagesApi(Intake intake, ModelCatalog catalog, ProviderFormats formats, AttemptPlanner planner,
                       ApiProperties properties) {
        this.intake = intake;
        this.catalog = catalog;
        this.formats = formats;
        this.planner = planner;
        this.heartbeat = properties.streamHeartbeat();
        this.allowedBetas = Set.copyOf(properties.anthropicBetas());
    }

    /**
     * Reads and checks the request and keeps it as the exchange's {@link GatewayCall}, with the client's own bytes
     * and its allowed {@code anthropic-beta} values for an attempt on an Anthropic provider, which passes them
     * through. Any {@code anthropic-version} is accepted: the reader takes what it knows of every version and warns
     * about the rest, and a provider is sent the version the gateway speaks.
     */
    public void accept(Exchange exchange) {
        Message in = exchange.getMessage();
        byte[] body = intake.jsonBytes(in);
        List<String> betas = betas(in.getHeader(BETA_HEADER));
        MessagesApiReader.Read read = MessagesApiReader.read(body);
        GatewayCall call = intake.route(exchange, withCatalogModel(read.request()));
        call.readFromAnthropicClient();
        call.warnings().addAll(read.warnings());
        call.keepClientBody(clientBody(body, betas));
    }

    /** The comma-separated values of every {@code anthropic-beta} header line, in order, each once. */
    static List<String> betas(Object header) {
        if (header == null) {
            return List.of();
        }
        Iterable<?> lines = header instanceof Iterable<?> several ? several : List.of(header);
        Set<String> values = new LinkedHashSet<>();
        for (Object line : lines) {
            for (String value : String.valueOf(line).split(",")) {
                if (!value.isBlank()) {
                    values.add(value.strip());
                }
            }
        }
        return List.copyOf(values);
    }

    /**
     * {@code POST /v1/messages/count_tokens}. When the model's first provider is an Anthropic one whose route can
     * count ({@code direct:count-tokens-<provider>}), the request is left for that route to ask the provider, which
     * counts exactly; otherwise it is answered here, by the gateway's tokenizer (o200k) and marked as an estimate
     * ({@code x-caravan-token-count: estimate}). Nothing is generated, so nothing is metered.
     */
    public void countTokens(Exchange exchange) {
        Message in = exchange.getMessage();
        byte[] body = intake.jsonBytes(in);
        List<String> betas = betas(in.getHeader(BETA_HEADER));
        MessagesApiReader.Read read = MessagesApiReader.readForCounting(body);
        GatewayCall call = intake.route(exchange, withCatalogModel(read.request()));
        call.keepClientBody(clientBody(body, betas));
        Attempt first = AttemptPlanner.included(planner.plan(call.models(), call.options())).stream()
                .findFirst().orElse(null);
        if (first != null && call.passesThrough(first)
                && exchange.getContext().getRoute(COUNT_ROUTE_PREFIX + first.provider() + COUNT_ROUTE_SUFFIX) != null) {
            call.start(first);
            exchange.setProperty(COUNT_PROVIDER_PROPERTY, first.provider());
            return;
        }
        answerEstimate(in, call);
    }

    /**
     * The provider could not count: a failure another try could fix (unreachable, overloaded, rate-limited, a 5xx,
     * an answer without a count) is answered with the estimate, marked {@code estimate} and the provider named in
     * {@code x-caravan-token-count-fallback}; a refusal of the request itself (a 400) is the client's to see, as
     * Anthropic gave it, in Anthropic's error shape.
     */
    public void countTokensFailed(Exchange exchange) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        GatewayException error = ErrorResponder.classify(exchange.getProperty(Exchange.EXCEPTION_CAUGHT,
                Throwable.class), call.provider());
        if (!error.kind().retryable()) {
            throw error;
        }
        Message in = exchange.getMessage();
        answerEstimate(in, call);
        in.setHeader(TOKEN_COUNT_FALLBACK_HEADER, call.provider());
    }

    private static void answerEstimate(Message in, GatewayCall call) {
        long tokens = TokenCount.input(call.request());
        in.removeHeaders("*");
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        in.setHeader(TOKEN_COUNT_HEADER, "estimate");
        in.setBody(Json.write(Map.of("input_tokens", tokens)));
    }

    private ClientBody clientBody(byte[] body, List<String> betas) {
        return new ClientBody(AnthropicFormat.NAME, body, betas.stream().filter(allowedBetas::contains).toList(),
                betas.stream().filter(beta -> !allowedBetas.contains(beta)).toList());
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
        GatewayCall call = answer.call();
        String model = call.servingModel();
        if (call.passesThrough() && !call.clientBody().droppedBetas().isEmpty()) {
            answer.header(DROPPED_BETAS_HEADER, String.join(",", call.clientBody().droppedBetas()));
        }
        if (answer.streamed()) {
            answer.stream(answer.streamKeepsEvents() ? new MessagesPassThroughEncoder(model)
                    : new MessagesSseEncoder(model, call.warnings()), heartbeat);
        } else if (answer.verbatimBody() != null) {
            // metered and priced as any answer; the client gets the provider's bytes, renamed to the serving model
            answer.completion();
            answer.write(formats.get(call.format()).passThrough().answer(answer.verbatimBody(), model));
        } else {
            answer.write(MessagesApiResponses.toJson(answer.completion(), model));
        }
    }
}
