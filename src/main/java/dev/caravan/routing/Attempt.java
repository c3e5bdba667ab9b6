package dev.caravan.routing;

import dev.caravan.catalog.ModelEntry;

/** One planned call: a model, served by one of its providers under that provider's model id. */
public record Attempt(ModelEntry model, String provider, String providerModel, String format) {
}
