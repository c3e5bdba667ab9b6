package dev.caravan.routing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.caravan.canonical.Json;
import dev.caravan.error.GatewayException;
import dev.caravan.format.UpstreamHints;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-request routing options, read from the body's {@code providerOptions.gateway} (the field Vercel's AI SDK and
 * gateway use) or from the {@code x-caravan-options} header as JSON, for clients that cannot add body fields; the
 * header wins field by field.
 *
 * @param order            providers to try first, in this order
 * @param only             the providers allowed at all (null: all)
 * @param models           fallback models, tried in order once every provider of the current model failed
 * @param providerTimeouts per provider, the most milliseconds to wait for the first byte
 * @param user             who the request is for, recorded with it
 * @param tags             labels recorded with the request
 * @param caching          {@code auto}: place a prompt-cache breakpoint for providers that need one (Anthropic)
 * @param maxCost          the most this request may cost, in USD: a worst case above it is refused, fallbacks above
 *                         it are skipped; null: no ceiling
 * @param byok             the caller's own provider credentials, used for this request only
 * @param cache            answer from the gateway's response cache when this exact request was answered before
 *                         for the same project, and keep this answer there ({@code dev.caravan.cache}); null when
 *                         the request did not say, so its project's {@code cacheAnswers} decides
 * @param credential       the providers the caller's credential may use (a scoped key's or issuer's
 *                         {@code providers}); null: all. Never read from the request: only the intake sets it
 */
public record RoutingOptions(List<String> order, List<String> only, List<String> models,
                             Map<String, Long> providerTimeouts, String user, List<String> tags, String caching,
                             BigDecimal maxCost, ByokCredentials byok, Boolean cache,
                             Set<String> credential) {

    public static final RoutingOptions NONE = new RoutingOptions(List.of(), null, List.of(), Map.of(), null,
            List.of(), null, null, ByokCredentials.NONE, null, null);
    /** The request body field that carries the options; never sent to a provider. */
    public static final String BODY_FIELD = "providerOptions";
    public static final String HEADER = "x-caravan-options";
    private static final ObjectReader STRICT = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** These options for {@code user}: the one a verified token names, which the request cannot override. */
    public RoutingOptions withUser(String user) {
        return new RoutingOptions(order, only, models, providerTimeouts, user, tags, caching, maxCost, byok, cache,
                credential);
    }

    /** These options for a credential that only {@code providers} may serve (null: any). */
    public RoutingOptions withCredentialProviders(Set<String> providers) {
        return providers == null ? this : new RoutingOptions(order, only, models, providerTimeouts, user, tags,
                caching, maxCost, byok, cache, providers);
    }

    /** Whether the caller's credential lets {@code provider} serve it. */
    public boolean credentialAllows(String provider) {
        return credential == null || credential.contains(provider);
    }

    /**
     * These options for a shadow copy of the request (routes/chains/shadow.yaml): the same providers it may use
     * ({@code only}, {@code order}, timeouts), user, tags and caching, but none of its fallback models (the copy
     * evaluates its candidate alone), no {@code maxCost} (it spends no budget) and none of the caller's own provider
     * keys (the gateway pays for its evaluation, not the caller).
     */
    public RoutingOptions forShadow() {
        // the copy evaluates its candidate: an answer cached for it would measure nothing
        return new RoutingOptions(order, only, List.of(), providerTimeouts, user, tags, caching, null,
                ByokCredentials.NONE, false, credential);
    }

    public boolean autoCaching() {
        return "auto".equals(caching);
    }

    /** What the provider formats need to know of these options, for a request read from {@code anthropicClient}. */
    public UpstreamHints hints(boolean anthropicClient) {
        return UpstreamHints.of(autoCaching(), anthropicClient);
    }

    /**
     * The options in {@code providerOptions.gateway} of the body, overridden by those of the header. A
     * {@code providerOptions} or {@code gateway} that is there but not an object is a 400: silently ignoring it would
     * route a request against options its client believes were applied. Fallback models come deduplicated.
     */
    public static RoutingOptions from(JsonNode providerOptions, String header) {
        JsonNode body = gateway(providerOptions);
        JsonNode fromHeader = header(header);
        if (body == null && fromHeader == null) {
            return NONE;
        }
        return new RoutingOptions(
                strings(field(body, fromHeader, "order"), "order", List.of()),
                strings(field(body, fromHeader, "only"), "only", null),
                distinct(strings(field(body, fromHeader, "models"), "models", List.of())),
                timeouts(field(body, fromHeader, "providerTimeouts")),
                text(field(body, fromHeader, "user"), "user"),
                strings(field(body, fromHeader, "tags"), "tags", List.of()),
                text(field(body, fromHeader, "caching"), "caching"),
                maxCost(field(body, fromHeader, "maxCost")),
                ByokCredentials.from(field(body, fromHeader, "byok")),
                optionalFlag(field(body, fromHeader, "cache"), "cache"), null);
    }

    /**
     * Refuses more than {@code max} fallback models for {@code requestedModel}. Counted after duplicates and the
     * requested model itself are gone: naming a model twice costs nothing, so only distinct models count.
     */
    public RoutingOptions requireFallbacksAtMost(int max, String requestedModel) {
        long distinct = models.stream().filter(m -> !m.equals(requestedModel)).count();
        if (distinct > max) {
            throw GatewayException.invalid("providerOptions.gateway.models names " + distinct
                    + " distinct fallback models; at most " + max + " are allowed.", "models");
        }
        return this;
    }

    /** {@code providerOptions.gateway}, or null when absent; anything but an object is a 400. */
    private static JsonNode gateway(JsonNode providerOptions) {
        if (providerOptions == null || providerOptions.isNull()) {
            return null;
        }
        if (!providerOptions.isObject()) {
            throw GatewayException.invalid("providerOptions must be an object.", BODY_FIELD);
        }
        JsonNode gateway = providerOptions.get("gateway");
        if (gateway == null || gateway.isNull()) {
            return null;
        }
        if (!gateway.isObject()) {
            throw GatewayException.invalid("providerOptions.gateway must be an object.", BODY_FIELD + ".gateway");
        }
        return gateway;
    }

    /** The header's JSON object, or null when absent; trailing data after it is refused like in a body. */
    private static JsonNode header(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        JsonNode parsed;
        try {
            parsed = STRICT.readTree(header);
        } catch (java.io.IOException e) {
            throw GatewayException.invalid("The " + HEADER + " header is not valid JSON.", HEADER);
        }
        if (!parsed.isObject()) {
            throw GatewayException.invalid("The " + HEADER + " header must be a JSON object.", HEADER);
        }
        return parsed;
    }

    /** The first occurrence of each, in order. */
    static List<String> distinct(List<String> values) {
        return List.copyOf(new LinkedHashSet<>(values));
    }

    private static BigDecimal maxCost(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        BigDecimal value = node.isNumber() ? node.decimalValue() : null;
        if (node.isTextual()) {
            try {
                value = new BigDecimal(node.textValue().strip());
            } catch (NumberFormatException notANumber) {
                value = null;
            }
        }
        if (value == null || value.signum() <= 0) {
            throw GatewayException.invalid("providerOptions.gateway.maxCost must be a positive number of USD.",
                    "maxCost");
        }
        return value;
    }

    /** A true/false option; absent is false, anything else a 400. */
    /** True or false as the request says; null when it does not. */
    private static Boolean optionalFlag(JsonNode node, String name) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw GatewayException.invalid("providerOptions.gateway." + name + " must be true or false.", name);
        }
        return node.booleanValue();
    }

    private static JsonNode field(JsonNode body, JsonNode header, String name) {
        if (header != null && header.has(name)) {
            return header.get(name);
        }
        return body == null ? null : body.get(name);
    }

    private static List<String> strings(JsonNode node, String name, List<String> absent) {
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isArray()) {
            throw GatewayException.invalid("providerOptions.gateway." + name + " must be an array of strings.", name);
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw GatewayException.invalid("providerOptions.gateway." + name + " must be an array of strings.",
                        name);
            }
            out.add(item.textValue());
        }
        return List.copyOf(out);
    }

    private static String text(JsonNode node, String name) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw GatewayException.invalid("providerOptions.gateway." + name + " must be a string.", name);
        }
        return node.textValue();
    }

    /** {@code {"anthropic": 2000}}, or Vercel's nested {@code {"byok": {"anthropic": 2000}}}. */
    private static Map<String, Long> timeouts(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw GatewayException.invalid("providerOptions.gateway.providerTimeouts must be an object.",
                    "providerTimeouts");
        }
        Map<String, Long> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (e.getValue().isObject()) {
                out.putAll(timeouts(e.getValue()));
            } else if (e.getValue().canConvertToLong() && e.getValue().asLong() > 0) {
                out.put(e.getKey(), e.getValue().asLong());
            } else {
                throw GatewayException.invalid("providerOptions.gateway.providerTimeouts." + e.getKey()
                        + " must be a positive number of milliseconds.", "providerTimeouts");
            }
        });
        return Map.copyOf(out);
    }
}
