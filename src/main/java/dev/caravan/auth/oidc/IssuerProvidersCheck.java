package dev.caravan.auth.oidc;

import dev.caravan.routing.ProviderRegistry;
import org.springframework.stereotype.Component;

import java.util.TreeSet;

/**
 * Refuses to start when an issuer's {@code providers} names a provider the gateway does not have: a typo would make
 * every token of that issuer a 403, found by its users rather than by whoever edited the setting. (A key's providers
 * are checked when it is issued, by the admin API.)
 */
@Component
class IssuerProvidersCheck {

    IssuerProvidersCheck(OidcProperties properties, ProviderRegistry registry) {
        for (OidcProperties.Issuer issuer : properties.issuers()) {
            for (String provider : issuer.providers()) {
                if (!registry.names().contains(provider.strip())) {
                    throw new IllegalArgumentException("caravan.auth.oidc issuer " + issuer.name() + ": providers: '"
                            + provider + "' is not a provider of this gateway; one of "
                            + String.join(", ", new TreeSet<>(registry.names())) + ".");
                }
            }
        }
    }
}
