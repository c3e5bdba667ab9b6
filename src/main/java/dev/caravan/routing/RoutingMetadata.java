package dev.caravan.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Json;

import java.util.List;
import java.util.Map;

/**
 * Tells the client who served its request and every attempt made: as {@code gateway.routing} (Vercel's field names)
 * under the API's metadata field ({@code provider_metadata} in OpenAI's format) and, compactly, in the
 * {@code x-caravan-attempts} header.
 */
public final class RoutingMetadata {

    private RoutingMetadata() {
    }

    public static JsonNode of(GatewayCall call, AttemptPlan plan) {
        List<AttemptRecord> records = plan.records();
        String resolved = records.isEmpty() ? call.provider() : records.getFirst().provider();
        // a POJO node: serialised once, with the response, instead of being copied into a tree first
        return Json.MAPPER.getNodeFactory().pojoNode(Map.of("gateway", Map.of("routing",
                new Routing(call.requestedModel(), call.servingModel(), resolved, call.provider(), records))));
    }

    /**
     * The most characters the {@code x-caravan-attempts} header may have. Tomcat writes every response header into
     * one buffer (8 KB by default) and answers an overflow with an empty 500, so this header, the only one whose
     * length depends on the request, stays far below that; the body's routing metadata lists every attempt.
     */
    static final int MAX_HEADER_CHARS = 2048;

    /**
     * {@code openai;status=503;ms=12;error=provider_overloaded, anthropic;status=200;ms=40}; attempts that do not
     * fit in {@link #MAX_HEADER_CHARS} are counted in a last {@code omitted;count=N} entry.
     */
    public static String header(AttemptPlan plan) {
        return header(plan.records().stream().map(RoutingMetadata::entry).toList(), MAX_HEADER_CHARS);
    }

    static String header(List<String> entries, int maxChars) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < entries.size(); i++) {
            String entry = (out.isEmpty() ? "" : ", ") + entries.get(i);
            // room for the omitted entry must be left whenever more entries follow
            int reserve = i + 1 < entries.size() ? 2 + omitted(entries.size()).length() : 0;
            if (out.length() + entry.length() + reserve > maxChars) {
                return out.append(out.isEmpty() ? "" : ", ").append(omitted(entries.size() - i)).toString();
            }
            out.append(entry);
        }
        return out.toString();
    }

    private static String entry(AttemptRecord r) {
        return r.provider() + ";status=" + (r.statusCode() == null ? "-" : r.statusCode())
                + ";ms=" + (r.endTime() - r.startTime())
                + (r.error() == null ? "" : ";error=" + r.error().replace(' ', '_').replace(",", ""));
    }

    private static String omitted(int count) {
        return "omitted;count=" + count;
    }

    record Routing(String originalModelId, String finalModelId, String resolvedProvider, String finalProvider,
                   List<AttemptRecord> attempts) {
    }
}
