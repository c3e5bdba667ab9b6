package dev.caravan.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.Map;

/**
 * Caravan's settings ({@code caravan.*}). Provider keys are not here on purpose: they come from the environment
 * ({@code OPENAI_API_KEY}, ...) and are read by {@link ProviderRegistry}.
 *
 * @param catalog        where the model catalog is read from: a Spring resource location such as
 *                       {@code classpath:catalog.yaml} or {@code file:/etc/caravan/catalog.yaml}
 * @param maxRequestSize the largest request body accepted; a larger one is refused with 413 before it is read
 * @param streamHeartbeat how long a stream may stay silent before the gateway writes an SSE comment; the write is
 *                       also how a client that went away is noticed, and its provider call aborted
 * @param simulator      the built-in provider simulator that serves providers left without a key
 * @param providers      per-provider overrides of the environment, by provider name (mostly for tests)
 * @param redis          where state shared by replicas lives; without it, in this instance's memory
 */
@Validated
@ConfigurationProperties("caravan")
public record CaravanProperties(
        @NotBlank @DefaultValue("classpath:catalog.yaml") String catalog,
        @NotNull @DefaultValue("10MB") DataSize maxRequestSize,
        @NotNull @DefaultValue("5s") Duration streamHeartbeat,
        @Valid @NotNull @DefaultValue Simulator simulator,
        Map<String, ProviderOverride> providers,
        @Valid @NotNull @DefaultValue Redis redis) {

    public CaravanProperties {
        providers = providers == null ? Map.of() : Map.copyOf(providers);
    }

    /**
     * @param enabled start the simulator when some provider has neither a key nor a base URL
     * @param port    its port on 127.0.0.1; 0 picks a free one
     */
    public record Simulator(@DefaultValue("true") boolean enabled, @DefaultValue("0") int port) {
    }

    /**
     * @param url       {@code redis://host:6379}; empty keeps budgets, reservations, rate limits and revocations in
     *                  this instance's memory
     * @param keyPrefix put before every Redis key, so several gateways (or test runs) can share one Redis
     * @param commandTimeout the longest a request waits for one Redis command (budgets, rate limits); Lettuce's own
     *                       default is 60 s, which held every budgeted request for a minute while Redis was down
     * @param connectTimeout the longest a (re)connection attempt may take
     * @param maxReconnectDelay the longest pause between reconnection attempts while Redis is down, so enforcement
     *                          through Redis resumes within about this long after it is back (Lettuce's default
     *                          backs off to 30 s)
     */
    public record Redis(@DefaultValue("") String url, @DefaultValue("caravan:") String keyPrefix,
                        @DefaultValue("500ms") Duration commandTimeout, @DefaultValue("250ms") Duration connectTimeout,
                        @DefaultValue("1s") Duration maxReconnectDelay) {

        public boolean configured() {
            return url != null && !url.isBlank();
        }
    }

    /**
     * @param baseUrl the provider's API base URL, as its own SDK spells it ({@code https://api.openai.com/v1})
     * @param apiKey  the provider key
     */
    public record ProviderOverride(String baseUrl, String apiKey) {
    }
}
