package dev.caravan.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.error.GatewayException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The caller's own provider keys for one request ({@code providerOptions.gateway.byok}, Vercel's shape:
 * {@code {"anthropic": [{"apiKey": "…"}]}}). Used for that provider's attempts in this request only: never stored,
 * never logged, never echoed. Deliberately not a record, so no generated {@code toString} can print a key.
 */
public final class ByokCredentials {

    public static final ByokCredentials NONE = new ByokCredentials(Map.of());

    private final Map<String, String> keys;

    private ByokCredentials(Map<String, String> keys) {
        this.keys = keys;
    }

    /** The caller's key for {@code provider}, or null to use the gateway's own. */
    public String keyFor(String provider) {
        return keys.get(provider);
    }

    public boolean has(String provider) {
        return keys.containsKey(provider);
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    static ByokCredentials from(JsonNode node) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        if (!node.isObject()) {
            throw invalid();
        }
        Map<String, String> keys = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            JsonNode list = entry.getValue();
            // a list of credentials per provider (Vercel's shape); the first one is used
            JsonNode first = list.isArray() && !list.isEmpty() ? list.get(0) : list;
            JsonNode apiKey = first.path("apiKey");
            if (!apiKey.isTextual() || apiKey.textValue().isBlank()) {
                throw invalid();
            }
            keys.put(entry.getKey(), apiKey.textValue().strip());
        }
        return keys.isEmpty() ? NONE : new ByokCredentials(Map.copyOf(keys));
    }

    private static GatewayException invalid() {
        return GatewayException.invalid("providerOptions.gateway.byok must map provider names to credentials, "
                + "e.g. {\"anthropic\": [{\"apiKey\": \"…\"}]}.", "byok");
    }

    @Override
    public String toString() {
        return "ByokCredentials" + keys.keySet();
    }
}
