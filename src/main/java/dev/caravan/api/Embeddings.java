package dev.caravan.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.EmbeddingRequest;
import dev.caravan.canonical.EmbeddingResult;
import dev.caravan.routing.EmbeddingCall;
import dev.caravan.routing.GatewayCall;
import dev.caravan.usage.TokenCount;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;

/**
 * The gateway's embeddings, whichever API asked (OpenAI's {@code /v1/embeddings}, the AI SDK's
 * {@code embedding-model}): an API reads its own wire into an {@link EmbeddingRequest}, hands it to {@link #accept},
 * sends the exchange through the failover chain ({@code direct:failover}, which calls
 * {@code direct:embeddings-<provider>}), and writes {@link #answered}'s {@link EmbeddingResult} in its own wire.
 * Routing options, budgets, rate limits, fallbacks and the usage record are the chat requests': the request travels
 * the chain as a chat request of one user message per input and no output ({@link EmbeddingRequest#asChatRequest}).
 */
@Component("embeddings")
public class Embeddings {

    private final Intake intake;

    public Embeddings(Intake intake) {
        this.intake = intake;
    }

    /**
     * Makes {@code request} the exchange's call: its routing options ({@code providerOptions}, with
     * {@code gateway.order/only/models}, or the {@code x-caravan-options} header) read as on chat, every model it could
     * reach checked to be an embedding model, its attempts pointed at the embeddings provider routes.
     */
    public GatewayCall accept(Exchange exchange, EmbeddingRequest request, JsonNode providerOptions) {
        GatewayCall call = intake.route(exchange, request.asChatRequest(providerOptions), ModelUse.EMBEDDINGS);
        call.operation(GatewayCall.EMBEDDINGS);
        exchange.setProperty(EmbeddingCall.PROPERTY, request);
        return call;
    }

    /**
     * The serving provider's vectors, metered and priced: its input tokens, or the gateway's count when it reported
     * none (Gemini never does; the usage record is then marked estimated), the cost at the model's input price, and
     * the gateway's warnings. The {@code x-caravan-*} headers are set; the route's {@code settleRequest} settles.
     */
    public EmbeddingResult answered(Exchange exchange) {
        Answer answer = Answer.of(exchange);
        EmbeddingResult result = exchange.getMessage().getBody(EmbeddingResult.class);
        if (result == null) {
            throw new IllegalStateException("embeddings provider route returned " + exchange.getMessage().getBody());
        }
        Integer reported = result.inputTokens();
        BigDecimal cost = answer.meter().answered(reported == null ? null : result.usage(reported), null);
        if (cost != null) {
            answer.header("x-caravan-cost", cost.toPlainString());
        }
        // the same count the meter records when the provider reported none
        int tokens = reported != null ? reported
                : (int) Math.min(Integer.MAX_VALUE, TokenCount.input(answer.call().request()));
        return result.priced(tokens, cost, answer.call().warnings());
    }
}
