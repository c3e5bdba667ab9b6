package dev.caravan.accounting;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.catalog.ModelEntry;
import dev.caravan.routing.AttemptPlan;
import dev.caravan.routing.AttemptRecord;
import dev.caravan.routing.GatewayCall;

import java.util.List;

/**
 * What a request's usage record and settlement need to know about how it was routed, handed to its
 * {@link RequestMeter} as a plain value when it is answered (or, when it failed, by the settle step): the request as
 * sent, who the client asked for, and the attempt that served it or was the last tried. {@code provider},
 * {@code model} and {@code providerModel} are null when no attempt began.
 */
public record Served(ChatRequest request, String requestedModel, String user, List<String> tags, String provider,
                     ModelEntry model, String providerModel, boolean byok, List<AttemptRecord> attempts) {

    /** {@code plan} is null when the request failed before its attempts were planned. */
    public static Served of(GatewayCall call, AttemptPlan plan) {
        boolean attempted = call.current() != null;
        return new Served(call.request(), call.requestedModel(), call.options().user(), call.options().tags(),
                attempted ? call.provider() : null, attempted ? call.current().model() : null,
                attempted ? call.providerModel() : null, call.byok(),
                plan == null ? List.of() : plan.records());
    }

    /** Answered from the gateway's response cache: no provider was called, nothing is charged. */
    public boolean fromCache() {
        return GatewayCall.CACHE_PROVIDER.equals(provider);
    }

    /** An attempt began: there is a provider and model to name (and, if it answered, to charge). */
    public boolean attempted() {
        return provider != null;
    }
}
