package dev.caravan.format.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.format.ClientBody;
import dev.caravan.format.JsonSplice;
import dev.caravan.format.PassThrough;
import dev.caravan.format.UpstreamRequest;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Messages request from an Anthropic client (Claude Code, the Anthropic SDKs) to an Anthropic provider, as the
 * client wrote it: {@code cache_control} breakpoints, thinking and redacted-thinking signatures, server tools and
 * fields newer than this gateway reach Anthropic byte for byte, so its prompt cache still hits on the client's
 * prefix. The answer, whole or streamed ({@link MessagesPassThroughEncoder}), goes back as Anthropic sent it.
 */
final class AnthropicPassThrough implements PassThrough {

    static final AnthropicPassThrough INSTANCE = new AnthropicPassThrough();
    static final String BETA_HEADER = "anthropic-beta";

    private AnthropicPassThrough() {
    }

    @Override
    public UpstreamRequest toUpstream(ClientBody body, String providerModel, Integer outputLimit,
                                      List<String> gatewayFields) {
        Map<String, byte[]> values = new HashMap<>();
        values.put("model", Json.write(providerModel));
        if (outputLimit != null) {
            // written back as it was unless a tier capped it: the reader took only integers, which JSON spells one way
            values.put("max_tokens", Integer.toString(outputLimit).getBytes(StandardCharsets.US_ASCII));
        }
        byte[] sent = JsonSplice.edit(body.body(), values, new HashSet<>(gatewayFields));
        return UpstreamRequest.body(sent);
    }

    @Override
    public Map<String, String> headers(ClientBody body) {
        return body.betas().isEmpty() ? Map.of() : Map.of(BETA_HEADER, String.join(",", body.betas()));
    }

    /**
     * {@code max_tokens} as sent: Anthropic stops a response there, thinking included. With interleaved thinking a
     * budget may exceed {@code max_tokens} (it spans a whole tool-using turn), so the larger of the two is taken.
     */
    @Override
    public long billableOutputTokens(ChatRequest request) {
        long limit = request.outputLimit() == null ? 0 : request.outputLimit();
        JsonNode thinking = request.extra().get(AnthropicMapper.THINKING);
        long budget = thinking == null ? 0 : thinking.path("budget_tokens").asLong(0);
        return Math.max(limit, budget);
    }

    @Override
    public byte[] answer(byte[] providerBody, String model) {
        return JsonSplice.edit(providerBody, Map.of("model", Json.write(model)), Set.of());
    }
}
