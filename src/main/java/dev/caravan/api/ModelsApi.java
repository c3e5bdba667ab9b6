package dev.caravan.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.caravan.canonical.Json;
import dev.caravan.catalog.ModelCatalog;
import dev.caravan.catalog.ModelEntry;
import dev.caravan.identity.Caller;
import dev.caravan.identity.Scope;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * {@code GET /v1/models}: OpenAI's list shape, each model with its type (language, embedding, image), context
 * window, capabilities and prices (USD per million tokens). The list is built once: the catalog does not change while the gateway runs. A caller whose scope
 * limits its models sees only those it may use, written for it on each call (a few dozen entries).
 */
@Component("modelsApi")
public class ModelsApi {

    private final List<ModelView> models;
    private final byte[] body;

    public ModelsApi(ModelCatalog catalog) {
        this.models = catalog.models().stream().map(ModelsApi::view).toList();
        this.body = Json.write(new ModelList("list", models));
    }

    public void list(Exchange exchange) {
        Caller caller = exchange.getProperty(Caller.PROPERTY, Caller.class);
        Scope scope = caller == null ? Scope.NONE : caller.scope();
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(scope.limitsModels() ? Json.write(new ModelList("list", models.stream()
                .filter(model -> scope.allowsModel(model.id(), model.providers())).toList())) : body);
    }

    private static ModelView view(ModelEntry model) {
        return new ModelView(model.id(), "model", 0L, model.creator(), model.name(), model.type(),
                model.contextWindow(),
                model.maxOutputTokens(), model.capabilities(),
                model.providerIds(),
                model.pricing() == null ? null : new PricingView(model.pricing().input(), model.pricing().output(),
                        model.pricing().cacheRead(), model.pricing().cacheWrite()));
    }

    record ModelList(String object, List<ModelView> data) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ModelView(String id, String object, Long created, String ownedBy, String name, String type,
                     Integer contextWindow,
                     Integer maxOutputTokens, List<String> capabilities, List<String> providers,
                     PricingView pricing) {
    }

    /** USD per million tokens. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record PricingView(Double input, Double output, Double cacheRead, Double cacheWrite) {
    }
}
