package dev.caravan.format;

import dev.caravan.canonical.ChatRequest;

import java.util.List;
import java.util.Map;

/**
 * A provider format that takes a client's request in its own wire format as it is: the client's bytes go upstream
 * with only what the gateway must change (the provider's model id, a tier's output cap, the gateway's own fields
 * taken out), and the provider's answer comes back with only the model id changed. Translation loses what the
 * canonical model does not hold (Anthropic's thinking signatures stay intact in it, but not unknown fields, and
 * re-serialised bytes break prompt-cache prefixes); a pass-through loses nothing. Usage and finish reasons are still
 * read from the answer, by the format's ordinary reader, for accounting.
 */
public interface PassThrough {

    /**
     * The upstream request for the client's {@code body}: {@code providerModel} as its model, {@code outputLimit}
     * (null: the client's own) as its output cap, {@code gatewayFields} (the gateway's routing options) left out,
     * every other byte as sent.
     */
    UpstreamRequest toUpstream(ClientBody body, String providerModel, Integer outputLimit, List<String> gatewayFields);

    /** Headers the client sent that the provider should get too ({@code anthropic-beta}), beside the format's auth. */
    Map<String, String> headers(ClientBody body);

    /**
     * The most output tokens (reasoning included) the provider may bill for {@code request}, read from the body
     * passed through: what the client's own limit allows, as nothing raises it on the way.
     */
    long billableOutputTokens(ChatRequest request);

    /** A whole answer's body with {@code model} (the catalog id that served) in place of the provider's id. */
    byte[] answer(byte[] providerBody, String model);
}
