package dev.caravan.routing;

import dev.caravan.catalog.ModelCatalog;
import dev.caravan.catalog.ModelEntry;
import dev.caravan.error.GatewayException;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns the models a request may use and its routing options into an ordered attempt plan, without calling anyone:
 * per model, providers named in {@code order} first (in that order), then the rest, weighted-shuffled when the
 * catalog gives weights, else in catalog order; {@code only} leaves out the others, and so does a scoped credential's
 * {@code providers} ({@link #NOT_FOR_CREDENTIAL}); a provider cooling down after a
 * 429 or with an open circuit is skipped. Every provider gets a reason, which the explain endpoint shows. At most
 * {@code caravan.routing.max-attempts} attempts are included; those past it are listed as left out.
 */
@Component
public class AttemptPlanner {

    /** Why a provider the caller's credential may not use is left out. */
    public static final String NOT_FOR_CREDENTIAL = "not one this credential may use";
    public static final String NOT_IN_ONLY = "not in 'only'";

    private final ModelCatalog catalog;
    private final ProviderRegistry providers;
    private final ProviderHealth health;
    private final int maxAttempts;

    public AttemptPlanner(ModelCatalog catalog, ProviderRegistry providers, ProviderHealth health,
                          RoutingProperties properties) {
        this.catalog = catalog;
        this.providers = providers;
        this.health = health;
        this.maxAttempts = properties.maxAttempts();
    }

    /** One provider of one model in the plan, and why it stands where it does. */
    public record PlannedAttempt(Attempt attempt, boolean included, String reason) {
    }

    public List<PlannedAttempt> plan(List<String> modelIds, RoutingOptions options) {
        List<PlannedAttempt> planned = new ArrayList<>();
        int includedSoFar = 0;
        for (String id : modelIds) {
            ModelEntry model = catalog.model(id).orElseThrow(() -> GatewayException.modelNotFound(id));
            for (Ranked ranked : rank(model, options)) {
                ModelEntry.Offer offer = ranked.offer();
                Attempt attempt = new Attempt(model, offer.provider(), offer.model(),
                        providers.get(offer.provider()).format());
                String skip = !options.credentialAllows(offer.provider()) ? NOT_FOR_CREDENTIAL
                        : options.only() != null && !options.only().contains(offer.provider()) ? NOT_IN_ONLY
                        : health.skipReason(offer.provider());
                if (skip == null && includedSoFar >= maxAttempts) {
                    skip = pastTheCap(maxAttempts);
                }
                includedSoFar += skip == null ? 1 : 0;
                planned.add(new PlannedAttempt(attempt, skip == null, skip == null ? ranked.reason() : skip));
            }
        }
        return planned;
    }

    /** Why an attempt past the cap is left out; the cap is a setting, so the reason names it. */
    private static String pastTheCap(int maxAttempts) {
        return "past caravan.routing.max-attempts (" + maxAttempts + ")";
    }

    /** The included attempts only, in order. */
    public static List<Attempt> included(List<PlannedAttempt> planned) {
        return planned.stream().filter(PlannedAttempt::included).map(PlannedAttempt::attempt).toList();
    }

    private record Ranked(ModelEntry.Offer offer, String reason, double key) {
    }

    private static List<Ranked> rank(ModelEntry model, RoutingOptions options) {
        boolean weighted = model.providers().stream().anyMatch(o -> o.weight() != null);
        List<Ranked> pinned = new ArrayList<>();
        List<Ranked> rest = new ArrayList<>();
        int position = 0;
        for (ModelEntry.Offer offer : model.providers()) {
            int inOrder = options.order().indexOf(offer.provider());
            if (inOrder >= 0) {
                pinned.add(new Ranked(offer, "position " + (inOrder + 1) + " in 'order'", inOrder));
            } else if (weighted) {
                int weight = offer.weight() == null ? 1 : offer.weight();
                // Efraimidis-Spirakis: sorting by u^(1/w) draws an ordering in proportion to the weights
                double key = -Math.pow(ThreadLocalRandom.current().nextDouble(), 1.0 / Math.max(weight, 1));
                rest.add(new Ranked(offer, "weighted load balancing (weight " + weight + ")", key));
            } else {
                rest.add(new Ranked(offer, "catalog order", position));
            }
            position++;
        }
        pinned.sort(Comparator.comparingDouble(Ranked::key));
        rest.sort(Comparator.comparingDouble(Ranked::key));
        pinned.addAll(rest);
        return pinned;
    }
}
