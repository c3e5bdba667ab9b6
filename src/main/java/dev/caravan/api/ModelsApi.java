package dev.caravan.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.caravan.canonical.Json;
import dev.caravan.catalog.ModelCatalog;
import dev.caravan.catalog.ModelEntry;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * {@code GET /v1/models}: OpenAI's list shape, each model with its context window, capabilities and prices (USD per
 * million tokens). The list is built once: the catalog does not change while the gateway runs.
 */
@Component("modelsApi")
public class ModelsApi {

    private final byte[] body;

    public ModelsApi(ModelCatalog catalog) {
        List<ModelView> data = catalog.models().stream().map(ModelsApi::view).toList();
        this.body = Json.write(new ModelList("list", data));
    }

    public void list(Exchange exchange) {
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(body);
    }

    private static ModelView view(ModelEntry model) {
        return new ModelView(model.id(), "model", 0L, model.creator(), model.name(), model.contextWindow(),
                model.maxOutputTokens(), model.capabilities(),
                model.providers().stream().map(ModelEntry.Offer::provider).distinct().toList(),
                model.pricing() == null ? null : new PricingView(model.pricing().input(), model.pricing().output(),
                        model.pricing().cacheRead(), model.pricing().cacheWrite()));
    }

    record ModelList(String object, List<ModelView> data) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ModelView(String id, String object, Long created, String ownedBy, String name, Integer contextWindow,
                     Integer maxOutputTokens, List<String> capabilities, List<String> providers,
                     PricingView pricing) {
    }

    /** USD per million tokens. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record PricingView(Double input, Double output, Double cacheRead, Double cacheWrite) {
    }
}
