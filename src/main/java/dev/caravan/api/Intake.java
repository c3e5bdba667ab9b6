package dev.caravan.api;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.catalog.ModelCatalog;
import dev.caravan.catalog.ModelEntry;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.identity.Caller;
import dev.caravan.identity.Scope;
import dev.caravan.routing.ChainRegistry;
import dev.caravan.routing.GatewayCall;
import dev.caravan.routing.RoutingOptions;
import dev.caravan.routing.RoutingProperties;
import dev.caravan.routing.TierRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What every inbound API does with a request around its own format's reader: refuse what is not JSON or is too large
 * before reading it, then, with the request read into the canonical shape, take the gateway's routing options off
 * it, give a {@code tier/<name>} model its tier's chain and cap, check a scoped caller may use every model the request
 * could reach, and check the model is in the catalog. The result is
 * the exchange's {@link GatewayCall}, which the failover chain takes from there.
 */
@Component
public class Intake {

    /** The exchange property a hand-written chain sets to the models it chose, for {@link #useChainModels}. */
    public static final String MODELS_PROPERTY = "caravanModels";

    private final ModelCatalog catalog;
    private final TierRegistry tiers;
    private final ChainRegistry chains;
    private final long maxRequestBytes;
    private final int maxFallbackModels;

    public Intake(ModelCatalog catalog, TierRegistry tiers, ChainRegistry chains, ApiProperties properties,
                  RoutingProperties routing) {
        this.catalog = catalog;
        this.tiers = tiers;
        this.chains = chains;
        this.maxRequestBytes = properties.maxRequestSize().toBytes();
        this.maxFallbackModels = routing.maxFallbackModels();
    }

    /** The largest body a reader may take in. */
    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    /** The request body, once it is known to be JSON and not declared larger than the gateway accepts. */
    public Reader jsonBody(Message in) {
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

    /**
     * The request body as UTF-8 bytes, for readers that parse bytes (the Messages reader), checked as
     * {@link #jsonBody} checks it; a body sent without a Content-Length is refused once it passes the limit, so no
     * client can make the gateway buffer an unbounded body.
     */
    public byte[] jsonBytes(Message in) {
        Reader body = jsonBody(in);
        if (body == null) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[8192];
        try {
            for (int n; (n = body.read(buffer)) >= 0; ) {
                text.append(buffer, 0, n);
                if (text.length() > maxRequestBytes) {
                    throw new GatewayException(ErrorKind.PAYLOAD_TOO_LARGE,
                            "The request body is larger than the gateway accepts (" + maxRequestBytes + " bytes).");
                }
            }
        } catch (IOException e) {
            throw GatewayException.invalid("The request body could not be read.", null);
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Makes {@code request} the exchange's {@link GatewayCall}: routing options from the body field or the
     * {@code x-caravan-options} header, a tier's chain and cap, the model checked against the catalog.
     */
    public GatewayCall route(Exchange exchange, ChatRequest request) {
        return route(exchange, request, ModelUse.CHAT);
    }

    /**
     * {@link #route(Exchange, ChatRequest)} for an API whose models are of another kind: every model the request
     * could reach must be fit for {@code use} (a chat request naming an embedding model is refused here, not by a
     * provider's 404), and a tier, whose chains are chat models, is refused on any other API.
     */
    public GatewayCall route(Exchange exchange, ChatRequest request, ModelUse use) {
        Message in = exchange.getMessage();
        // routing options are for the gateway: a provider would reject the unknown field
        RoutingOptions options = RoutingOptions.from(request.extra().remove(RoutingOptions.BODY_FIELD),
                in.getHeader(RoutingOptions.HEADER, String.class))
                .requireFallbacksAtMost(maxFallbackModels, request.model());
        Caller caller = exchange.getProperty(Caller.PROPERTY, Caller.class);
        if (caller != null && caller.user() != null) {
            // a token's user is verified; one named in the request is not, and must not dodge that user's budget
            options = options.withUser(caller.user());
        }
        if (caller != null) {
            options = options.withCredentialProviders(caller.scope().providers());
        }
        GatewayCall call = new GatewayCall(request, options);
        // kept before the model is checked: a refusal's usage record still names the model, user and tags asked for
        exchange.setProperty(GatewayCall.PROPERTY, call);
        // the request's own exchange, before a chain's EIPs copy it: a stream's on-completions belong to it
        exchange.setProperty(GatewayCall.REQUEST_EXCHANGE_PROPERTY, exchange);
        String tier = call.tier();
        TierRegistry.Tier chain = null;
        if (tier != null && use != ModelUse.CHAT) {
            throw GatewayException.invalid("Tiers are chat model chains; '" + request.model()
                    + "' cannot serve " + use.description() + ".", "model");
        }
        if (tier != null) {
            chain = tiers.tier(tier).orElseThrow(() -> GatewayException.modelNotFound(request.model()));
            TierRegistry.apply(call, chain);
        }
        String handWritten = call.chain();
        if (handWritten != null) {
            if (use != ModelUse.CHAT) {
                throw GatewayException.invalid("Chains route chat models; '" + request.model()
                        + "' cannot serve " + use.description() + ".", "model");
            }
            String endpoint = chains.endpoint(handWritten);
            if (endpoint == null) {
                throw GatewayException.modelNotFound(request.model());
            }
            // the failover chain hands the request to it; its models are checked when it sets them (useModels)
            exchange.setProperty(ChainRegistry.PROPERTY, endpoint);
        }
        if (caller != null) {
            requireInScope(caller.scope(), call, chain);
            requireServableInScope(caller.scope(), call);
        }
        if (tier == null && handWritten == null && catalog.model(request.model()).isEmpty()) {
            throw GatewayException.modelNotFound(request.model());
        }
        requireFitFor(use, call);
        in.setBody(null);
        return call;
    }

    /**
     * A hand-written chain's {@code useModels} step: the chain's choice of models ({@code caravanModels}, comma
     * separated) before the request's own fallbacks, checked as a request's models are at intake (in the catalog, fit
     * for chat, allowed to a scoped caller).
     */
    public void useChainModels(Exchange exchange) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        String listed = exchange.getProperty(MODELS_PROPERTY, String.class);
        List<String> models = listed == null ? List.of() : Arrays.stream(listed.split(",")).map(String::strip)
                .filter(m -> !m.isEmpty()).toList();
        String chain = exchange.getProperty(ChainRegistry.PROPERTY, String.class);
        if (models.isEmpty()) {
            throw new IllegalStateException("the chain route " + chain + " ran useModels without "
                    + MODELS_PROPERTY + ": fix the route");
        }
        for (String model : models) {
            if (catalog.model(model).isEmpty()) {
                throw new IllegalStateException("the chain route " + chain + " names '" + model
                        + "', which the catalog lacks: fix the route or the catalog");
            }
        }
        call.replaceModels(models);
        Caller caller = exchange.getProperty(Caller.PROPERTY, Caller.class);
        if (caller != null) {
            requireInScope(caller.scope(), call, null);
            requireServableInScope(caller.scope(), call);
        }
        requireFitFor(ModelUse.CHAT, call);
    }

    /**
     * A credential limited to some providers: every catalog model the request could reach must have one of them, or
     * the request is refused (403) before anything is planned, as a model outside its scope is. The providers it may
     * not use are left out of the plan by {@link dev.caravan.routing.AttemptPlanner}.
     */
    private void requireServableInScope(Scope scope, GatewayCall call) {
        if (scope.providers() == null) {
            return;
        }
        for (String id : call.models()) {
            ModelEntry model = catalog.model(id).orElse(null);
            if (model != null && model.providerIds().stream().noneMatch(scope::allowsProvider)) {
                boolean requested = id.equals(call.requestedModel());
                throw new GatewayException(ErrorKind.PERMISSION_DENIED, "No provider this credential may use ("
                        + String.join(", ", scope.providers()) + ") serves the " + (requested ? "" : "fallback ")
                        + "model '" + id + "'.", requested ? "model" : "models", null, null);
            }
        }
    }

    /** Every catalog model the request could reach is fit for {@code use}; unknown fallbacks are the planner's. */
    private void requireFitFor(ModelUse use, GatewayCall call) {
        for (String id : call.models()) {
            ModelEntry model = catalog.model(id).orElse(null);
            if (model != null && !use.fits(model)) {
                boolean requested = id.equals(call.requestedModel());
                throw new GatewayException(ErrorKind.INVALID_REQUEST, "The model '" + id + "' is "
                        + ModelUse.describe(model) + " and cannot serve " + use.description() + "."
                        + (requested ? "" : " (providerOptions.gateway.models)") + use.hint(model),
                        requested ? "model" : "models", null, null);
            }
        }
    }

    /**
     * The one check of a scoped credential's models: every model the request could reach (the requested one or its
     * tier's chain, then its fallbacks) must be allowed, or the request is refused before any provider is planned.
     * A fallback is not quietly dropped: the client asked for it and would not learn why it never ran.
     */
    static void requireInScope(Scope scope, GatewayCall call, TierRegistry.Tier tier) {
        if (!scope.limitsModels()) {
            return;
        }
        for (String model : call.models()) {
            // a hand-written chain is not a model: the models it picks are checked when it sets them
            if (scope.allowsModel(model) || model.equals(call.requestedModel()) && call.chain() != null) {
                continue;
            }
            boolean fromTier = tier != null && tier.models().contains(model);
            if (!fromTier && !model.equals(call.requestedModel())) {
                throw new GatewayException(ErrorKind.PERMISSION_DENIED, "The fallback model '" + model
                        + "' (providerOptions.gateway.models) is not one this credential may use.", "models", null,
                        null);
            }
            throw new GatewayException(ErrorKind.PERMISSION_DENIED, fromTier
                    ? "The tier '" + tier.name() + "' would use the model '" + model
                            + "', which this credential may not use."
                    : "This credential may not use the model '" + model + "'.", "model", null, null);
        }
    }
}
