package dev.caravan.routing;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Warning;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.Arrays;
import java.util.List;

/**
 * What a tier route calls ({@code routes/tiers/*.yaml}): the route names its model chain and caps in exchange
 * properties, so that changing a tier's model is a one-line YAML edit, and this applies them to the request.
 */
@Component("tiers")
public class Tiers {

    /** Comma-separated {@code creator/model} ids, tried in order. */
    public static final String MODELS = "caravanTierModels";
    /** The most output tokens a request through this tier may ask for. */
    public static final String MAX_TOKENS = "caravanTierMaxTokens";

    public void apply(Exchange exchange) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        String models = exchange.getProperty(MODELS, String.class);
        if (models == null || models.isBlank()) {
            throw new IllegalStateException("tier route for " + call.requestedModel() + " sets no " + MODELS);
        }
        List<String> chain = Arrays.stream(models.split(",")).map(String::strip).filter(m -> !m.isEmpty()).toList();
        call.replaceModels(chain);
        Integer cap = exchange.getProperty(MAX_TOKENS, Integer.class);
        ChatRequest request = call.request();
        Integer asked = request.outputLimit();
        if (cap != null && (asked == null || asked > cap)) {
            call.replaceRequest(request.withOutputLimit(cap));
            if (asked != null) {
                call.warnings().add(Warning.adjusted("max_tokens", "the tier " + call.tier()
                        + " caps output at " + cap + " tokens; " + asked + " asked"));
            }
        }
    }
}
