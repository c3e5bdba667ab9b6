package dev.caravan.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Json;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Tells the client who served its request and every attempt made: in {@code provider_metadata.gateway.routing}
 * (Vercel's field names) and, compactly, in the {@code x-caravan-attempts} header.
 */
public final class RoutingMetadata {

    public static final String FIELD = "provider_metadata";

    private RoutingMetadata() {
    }

    public static JsonNode of(GatewayCall call) {
        List<AttemptRecord> records = call.records();
        String resolved = records.isEmpty() ? call.provider() : records.getFirst().provider();
        // a POJO node: serialised once, with the response, instead of being copied into a tree first
        return Json.MAPPER.getNodeFactory().pojoNode(Map.of("gateway", Map.of("routing",
                new Routing(call.requestedModel(), call.servingModel(), resolved, call.provider(), records))));
    }

    /** {@code openai;status=503;ms=12;error=provider_overloaded, anthropic;status=200;ms=40} */
    public static String header(GatewayCall call) {
        return call.records().stream().map(r -> r.provider() + ";status=" + (r.statusCode() == null ? "-"
                        : r.statusCode()) + ";ms=" + (r.endTime() - r.startTime())
                        + (r.error() == null ? "" : ";error=" + r.error().replace(' ', '_').replace(",", "")))
                .collect(Collectors.joining(", "));
    }

    record Routing(String originalModelId, String finalModelId, String resolvedProvider, String finalProvider,
                   List<AttemptRecord> attempts) {
    }
}
