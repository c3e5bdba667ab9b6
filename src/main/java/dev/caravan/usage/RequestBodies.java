package dev.caravan.usage;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A request's bodies as kept for a project that turned it on ({@code log_bodies}), stored beside its usage record
 * ({@code request_bodies}): already capped and with keys redacted ({@link BodyRedaction}).
 *
 * @param request           the request as the gateway read it (JSON), or null when it could not be read
 * @param requestTruncated  {@code request} was cut at the cap
 * @param response          the answer's text as assembled (content, reasoning, tool-call arguments), for a stream
 *                          and a whole answer alike; null when nothing was answered
 * @param responseTruncated {@code response} was cut at the cap
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RequestBodies(String request, boolean requestTruncated, String response, boolean responseTruncated) {
}
