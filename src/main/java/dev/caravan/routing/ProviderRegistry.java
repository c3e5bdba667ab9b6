package dev.caravan.routing;

import dev.caravan.catalog.ModelCatalog;
import dev.caravan.catalog.ProviderEntry;
import dev.caravan.format.ProviderFormats;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.stereotype.Component;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where each provider is reached and with which key. For a provider named {@code mistral}: the base URL is
 * {@code caravan.providers.mistral.base-url}, else {@code MISTRAL_BASE_URL}, else, when {@code MISTRAL_API_KEY} is
 * set, the catalog's public URL, else the built-in simulator, so a first run answers without any provider account.
 * The resolved base URLs are published as {@code caravan.providers.<name>.base-url} for the provider routes.
 */
@Component
public class ProviderRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

    private final Map<String, Provider> providers = new LinkedHashMap<>();
    private LocalSimulator simulator;

    public ProviderRegistry(ModelCatalog catalog, ProviderFormats formats, ProviderProperties properties,
                            ConfigurableEnvironment environment) {
        Map<String, Object> published = new HashMap<>();
        for (Map.Entry<String, ProviderEntry> entry : catalog.providers().entrySet()) {
            String name = entry.getKey();
            if (GatewayCall.CACHE_PROVIDER.equals(name)) {
                // the response cache's answers name it: records of a real provider must not be mistaken for them
                throw new IllegalStateException("the catalog declares a provider named '" + name
                        + "', a name the gateway keeps for answers from its response cache");
            }
            ProviderEntry declared = entry.getValue();
            String prefix = name.toUpperCase(Locale.ROOT).replace('-', '_');
            ProviderProperties.ProviderOverride override = properties.providers().get(name);
            String apiKey = firstSet(override == null ? null : override.apiKey(),
                    environment.getProperty(prefix + "_API_KEY"));
            String baseUrl = firstSet(override == null ? null : override.baseUrl(),
                    environment.getProperty(prefix + "_BASE_URL"));
            String source = "configured";
            if (baseUrl == null && apiKey != null) {
                baseUrl = declared.baseUrl();
                source = "public API";
            }
            if (baseUrl == null && properties.simulator().enabled() && LocalSimulator.available()) {
                baseUrl = simulator(properties).baseUrl() + formats.get(declared.format()).simulatorPath();
                source = "simulator";
            }
            if (baseUrl == null) {
                throw new IllegalStateException("provider " + name + " has no base URL: set " + prefix
                        + "_BASE_URL or " + prefix + "_API_KEY" + (properties.simulator().enabled()
                        ? ", or start the gateway with bin/caravan run, which puts the provider simulator beside it"
                        : ", or enable the simulator"));
            }
            baseUrl = stripTrailingSlash(baseUrl);
            providers.put(name, new Provider(name, declared.format(), baseUrl, apiKey));
            published.put("caravan.providers." + name + ".base-url", baseUrl);
            LOG.info("provider {} ({}) at {} [{}{}]", name, declared.format(), baseUrl, source,
                    apiKey == null ? ", no key" : ", key set");
        }
        // last: an explicit caravan.providers.<name>.base-url still wins, and it is the value used above anyway
        environment.getPropertySources().addLast(new MapPropertySource("caravanProviders", published));
    }

    /** The providers' ids, in catalog order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(providers.keySet());
    }

    /**
     * Why {@code name} cannot be a credential's provider ("'x' is not a provider of this gateway; one of …"), or null
     * when it is one: for the admin API's key scopes and the identity providers' settings, where a typo would be a
     * credential nothing can serve.
     */
    public String notAProvider(String name) {
        Set<String> names = names();
        return names.contains(name) ? null : "'" + name + "' is not a provider of this gateway; one of "
                + String.join(", ", new TreeSet<>(names)) + ".";
    }

    public Provider get(String name) {
        Provider provider = providers.get(name);
        if (provider == null) {
            throw new IllegalArgumentException("unknown provider " + name);
        }
        return provider;
    }

    private LocalSimulator simulator(ProviderProperties properties) {
        if (simulator == null) {
            simulator = LocalSimulator.start(properties.simulator().port());
            LOG.info("provider simulator listening on {}", simulator.baseUrl());
        }
        return simulator;
    }

    @PreDestroy
    void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private static String firstSet(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** A resolved provider. {@code apiKey} may be null (simulator, or a local server that needs none). */
    public record Provider(String name, String format, String baseUrl, String apiKey) {
        @Override
        public String toString() {
            // records print every component; a key must never reach a log line
            return "Provider[" + name + ", " + format + ", " + baseUrl + "]";
        }
    }
}
