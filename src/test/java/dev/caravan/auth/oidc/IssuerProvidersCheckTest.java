package dev.caravan.auth.oidc;

import dev.caravan.routing.ProviderRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** An issuer's {@code providers} must name providers the gateway has, or it does not start. */
class IssuerProvidersCheckTest {

    private final ProviderRegistry registry = mock(ProviderRegistry.class);

    @Test
    void a_provider_the_gateway_does_not_have_stops_the_start_naming_issuer_and_provider() {
        when(registry.names()).thenReturn(Set.of("anthropic", "openai"));
        when(registry.notAProvider(anyString())).thenCallRealMethod();

        assertThatCode(() -> new IssuerProvidersCheck(properties(List.of("anthropic")), registry))
                .doesNotThrowAnyException();
        assertThatCode(() -> new IssuerProvidersCheck(properties(List.of()), registry)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new IssuerProvidersCheck(properties(List.of("anthropic", "antropic")), registry))
                .hasMessageContaining("issuer idp").hasMessageContaining("'antropic'")
                .hasMessageContaining("anthropic, openai");
    }

    private static OidcProperties properties(List<String> providers) {
        OidcProperties.Issuer issuer = new OidcProperties.Issuer("idp", "https://idp.example.com", "",
                List.of("caravan"), null, "azp", List.of(), "sub", null, null, providers);
        return new OidcProperties(List.of(issuer), Duration.ofSeconds(60), 6144, 100, Duration.ofMinutes(5),
                Duration.ofSeconds(30), Duration.ofHours(12), Duration.ofSeconds(2));
    }
}
