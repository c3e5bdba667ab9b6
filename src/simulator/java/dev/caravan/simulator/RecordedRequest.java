package dev.caravan.simulator;

import java.util.Map;

/**
 * A request as the simulator received it.
 *
 * @param query the raw query string without '?', or null when there was none
 * @param headers header names lower-cased; repeated headers joined with ", "
 */
public record RecordedRequest(String method, String path, String query, Map<String, String> headers, String body) {

    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
