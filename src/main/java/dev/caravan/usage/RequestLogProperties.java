package dev.caravan.usage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The request log's kept bodies ({@code caravan.request-log.*}); whether a project's are kept at all is the project's
 * {@code logBodies} setting (admin API), off unless turned on.
 *
 * @param bodyMaxBytes the cap on each kept body (the request's and the response's, each on its own), in UTF-8 bytes;
 *                     a longer one is cut and marked {@code request_truncated}/{@code response_truncated}
 */
@Validated
@ConfigurationProperties("caravan.request-log")
public record RequestLogProperties(@DefaultValue("64KB") DataSize bodyMaxBytes) {

    public RequestLogProperties {
        if (bodyMaxBytes.toBytes() < 1 || bodyMaxBytes.toBytes() > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("caravan.request-log.body-max-bytes must be between 1B and 16MB, not "
                    + bodyMaxBytes);
        }
    }

    public int maxBytes() {
        return (int) bodyMaxBytes.toBytes();
    }
}
