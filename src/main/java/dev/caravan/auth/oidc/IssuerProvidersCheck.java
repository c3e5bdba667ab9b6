package dev.caravan.auth.oidc;

import dev.caravan.routing.ProviderRegistry;
import org.springframework.stereotype.Component;


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
                String refused = registry.notAProvider(provider.strip());
                if (refused != null) {
                    throw new IllegalArgumentException("caravan.auth.oidc issuer " + issuer.name() + ": providers: "
                            + refused);
                }
            }
        }
    }
}
