package dev.caravan.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ImageRequest;
import dev.caravan.canonical.ImageResult;
import dev.caravan.routing.GatewayCall;
import dev.caravan.routing.ImageCall;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;

/**
 * The gateway's image generation, whichever API asked: an API reads its wire into an {@link ImageRequest}, hands it
 * to {@link #accept}, sends the exchange through the failover chain ({@code direct:failover}, which calls
 * {@code direct:images-<provider>}) and writes {@link #answered}'s {@link ImageResult} in its own wire. Routing
 * options, budgets (a worst case of {@link ImageRequest#WORST_TOKENS_PER_IMAGE} output tokens per image), rate limits,
 * fallbacks and the usage record are the chat requests'.
 */
@Component("images")
public class Images {

    private final Intake intake;

    public Images(Intake intake) {
        this.intake = intake;
    }

    public GatewayCall accept(Exchange exchange, ImageRequest request, JsonNode providerOptions) {
        GatewayCall call = intake.route(exchange, request.asChatRequest(providerOptions), ModelUse.IMAGES);
        call.operation(GatewayCall.IMAGES);
        exchange.setProperty(ImageCall.PROPERTY, request);
        return call;
    }

    /**
     * The serving provider's images, metered at the provider's token usage (or, when it reported none, the prompt
     * counted here and no output, marked estimated) and priced; the route's {@code settleRequest} settles.
     */
    public ImageResult answered(Exchange exchange) {
        Answer answer = Answer.of(exchange);
        ImageResult result = exchange.getMessage().getBody(ImageResult.class);
        if (result == null) {
            throw new IllegalStateException("image provider route returned " + exchange.getMessage().getBody());
        }
        BigDecimal cost = answer.meter().answered(result.usage(), null);
        if (cost != null) {
            answer.header("x-caravan-cost", cost.toPlainString());
        }
        return result.priced(cost, answer.call().warnings());
    }
}
