package dev.caravan.routing;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.util.Map;

/**
 * Where each provider is reached ({@code caravan.simulator.*}, {@code caravan.providers.*}). Provider keys are not
 * settings on purpose: they come from the environment ({@code OPENAI_API_KEY}, ...) and are read by
 * {@link ProviderRegistry}.
 *
 * @param simulator the built-in provider simulator that serves providers left without a key
 * @param providers per-provider overrides of the environment, by provider name (mostly for tests)
 */
@Validated
@ConfigurationProperties("caravan")
public record ProviderProperties(@Valid @NotNull @DefaultValue Simulator simulator,
                                 Map<String, ProviderOverride> providers) {

    public ProviderProperties {
        providers = providers == null ? Map.of() : Map.copyOf(providers);
    }

    /**
     * @param enabled start the simulator when some provider has neither a key nor a base URL
     * @param port    its port on 127.0.0.1; 0 picks a free one
     */
    public record Simulator(@DefaultValue("true") boolean enabled, @DefaultValue("0") int port) {
    }

    /**
     * @param baseUrl the provider's API base URL, as its own SDK spells it ({@code https://api.openai.com/v1})
     * @param apiKey  the provider key
     */
    public record ProviderOverride(String baseUrl, String apiKey) {
    }
}
