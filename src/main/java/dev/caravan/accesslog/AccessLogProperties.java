package dev.caravan.accesslog;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The per-request access log ({@code caravan.access-log.*}).
 *
 * @param enabled writes one JSON line per settled request to the logger {@value AccessLog#LOGGER}: who (key and
 *                project ids), what (API, model, provider), how it went (status, error, attempts, time to first
 *                token, duration, overhead, tokens, cost). Never a body, a key or an end user. Off by default
 */
@ConfigurationProperties("caravan.access-log")
public record AccessLogProperties(@DefaultValue("false") boolean enabled) {
}
