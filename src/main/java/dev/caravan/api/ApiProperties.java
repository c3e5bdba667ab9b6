package dev.caravan.api;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How the inbound APIs read requests and write streams ({@code caravan.max-request-size},
 * {@code caravan.stream-heartbeat}).
 *
 * @param maxRequestSize  the largest request body accepted; a larger one is refused with 413 before it is read
 * @param streamHeartbeat how long a stream may stay silent before the gateway writes an SSE comment; the write is
 *                        also how a client that went away is noticed, and its provider call aborted
 */
@Validated
@ConfigurationProperties("caravan")
public record ApiProperties(@NotNull @DefaultValue("10MB") DataSize maxRequestSize,
                            @NotNull @DefaultValue("5s") Duration streamHeartbeat) {
}
