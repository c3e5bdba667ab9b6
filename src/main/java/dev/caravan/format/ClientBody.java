package dev.caravan.format;

import java.util.List;

/**
 * A request body as the client sent it, kept beside the canonical request read from it, for a provider that speaks
 * the client's own wire format ({@link PassThrough}): such an attempt gets these bytes, not a translation.
 *
 * @param format the wire format the client spoke, as a {@link ProviderFormat#name()} ({@code anthropic})
 * @param body   the body's bytes, the gateway's own fields still in them
 * @param betas        the client's {@code anthropic-beta} values the gateway lets through to the provider, in order
 * @param droppedBetas the client's {@code anthropic-beta} values not on the gateway's allow-list, left out
 */
public record ClientBody(String format, byte[] body, List<String> betas, List<String> droppedBetas) {

    public ClientBody {
        betas = List.copyOf(betas);
        droppedBetas = List.copyOf(droppedBetas);
    }
}
