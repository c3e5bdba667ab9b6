package dev.caravan.catalog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The models the gateway serves and the providers that serve them, read once from the catalog YAML. The catalog is
 * checked when it is read: a model without a {@code creator/model} id, or served by a provider the catalog does not
 * declare, stops the start-up rather than failing a request later.
 */
public final class ModelCatalog {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The wire formats with embeddings and image generation APIs (the gateway's routes for them). */
    private static final Set<String> EMBEDDING_AND_IMAGE_FORMATS = Set.of("openai", "gemini");

    private final Map<String, ProviderEntry> providers;
    private final Map<String, ModelEntry> models;

    private ModelCatalog(Map<String, ProviderEntry> providers, Map<String, ModelEntry> models) {
        this.providers = providers;
        this.models = models;
    }

    public static ModelCatalog read(InputStream yaml) throws IOException {
        CatalogFile file = YAML.readValue(yaml, CatalogFile.class);
        Map<String, ProviderEntry> providers = new LinkedHashMap<>(file.providers());
        Map<String, ModelEntry> models = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (ModelEntry model : file.models()) {
            if (model.id() == null || !model.id().matches("[a-z0-9][a-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._:-]*")) {
                problems.add("model id '" + model.id() + "' is not of the form creator/model");
                continue;
            }
            if (!List.of(ModelEntry.LANGUAGE, ModelEntry.EMBEDDING, ModelEntry.IMAGE).contains(model.type())) {
                problems.add(model.id() + " has type '" + model.type() + "'; it must be language, embedding or image");
            }
            if (model.providers() == null || model.providers().isEmpty()) {
                problems.add(model.id() + " lists no provider");
            } else {
                for (ModelEntry.Offer offer : model.providers()) {
                    if (!providers.containsKey(offer.provider())) {
                        problems.add(model.id() + " names provider '" + offer.provider() + "', which is not declared");
                    } else if (!ModelEntry.LANGUAGE.equals(model.type())
                            && !EMBEDDING_AND_IMAGE_FORMATS.contains(providers.get(offer.provider()).format())) {
                        // Anthropic has neither: a request would fail at the provider, after being planned and paid
                        problems.add(model.id() + " is an " + model.type() + " model, which provider '"
                                + offer.provider() + "' (format " + providers.get(offer.provider()).format()
                                + ") cannot serve");
                    }
                }
            }
            if (models.put(model.id(), model) != null) {
                problems.add(model.id() + " is listed twice");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid model catalog: " + String.join("; ", problems));
        }
        // unmodifiable views, not Map.copyOf: listings and plans follow the catalog's declaration order
        return new ModelCatalog(Collections.unmodifiableMap(providers), Collections.unmodifiableMap(models));
    }

    public Optional<ModelEntry> model(String id) {
        return Optional.ofNullable(models.get(id));
    }

    /** Every model id, for resolving the ids other APIs' clients send ({@code claude-sonnet-4-6}). */
    public Set<String> ids() {
        return models.keySet();
    }

    public Collection<ModelEntry> models() {
        return models.values();
    }

    public Map<String, ProviderEntry> providers() {
        return providers;
    }

    record CatalogFile(Map<String, ProviderEntry> providers, List<ModelEntry> models) {
    }
}
