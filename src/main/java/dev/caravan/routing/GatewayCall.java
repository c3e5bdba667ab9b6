package dev.caravan.routing;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Warning;

import java.util.ArrayList;
import java.util.List;

/**
 * What the gateway knows about one request while routes pass it along: the parsed request, the catalog entry it
 * resolved to, the provider chosen to serve it, and warnings collected on the way. Kept as one exchange property so
 * that nothing request-specific travels in headers, which camel-http would send upstream.
 */
public final class GatewayCall {

    public static final String PROPERTY = "caravanCall";
    /** The chosen provider's name, for routes to address {@code direct:provider-<name>}. */
    public static final String PROVIDER_PROPERTY = "caravanProvider";

    private final ChatRequest request;
    private final ModelEntry model;
    private final String provider;
    private final String providerModel;
    private final String format;
    private final List<Warning> warnings = new ArrayList<>();

    public GatewayCall(ChatRequest request, ModelEntry model, String provider, String providerModel, String format) {
        this.request = request;
        this.model = model;
        this.provider = provider;
        this.providerModel = providerModel;
        this.format = format;
    }

    public ChatRequest request() {
        return request;
    }

    /** The model id as the client named it, which responses carry back. */
    public String requestedModel() {
        return model.id();
    }

    public ModelEntry model() {
        return model;
    }

    public String provider() {
        return provider;
    }

    public String providerModel() {
        return providerModel;
    }

    public String format() {
        return format;
    }

    public List<Warning> warnings() {
        return warnings;
    }
}
