package dev.caravan.auth.oidc;

import dev.caravan.identity.Scope;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Identity providers whose JWT bearer tokens the gateway accepts beside its keys ({@code caravan.auth.oidc.*}).
 * None by default: then a token is refused like any unknown key.
 *
 * @param issuers                trusted issuers, each with its audience and how its claims map to a project
 * @param clockSkew              how far a token's {@code exp} and {@code nbf} may be off the gateway's clock
 * @param maxTokenLength         the longest credential (key or token) read at all; anything longer is a 401 without
 *                               being parsed. Keep it below Tomcat's header limit
 *                               ({@code server.max-http-request-header-size}, 8 KB), or a longer token gets
 *                               Tomcat's 400 instead of the endpoint's 401
 * @param cacheSize              how many checked tokens (accepted or refused, by SHA-256) are remembered; an accepted
 *                               one until its {@code exp}, so its signature is verified once, not per request
 * @param jwksCacheTtl           how long an issuer's signing keys are used before they are fetched again
 * @param jwksRefreshMinInterval a token signed by a key not in the cached set (a rotation) fetches the keys again at
 *                               once, but no more than twice per this interval: a flood of made-up key ids cannot
 *                               make the gateway hammer the issuer. Must be shorter than {@code jwks-cache-ttl}
 * @param outageTolerance        how long the last keys fetched keep being used while the issuer cannot be reached
 * @param fetchTimeout           connect and read timeout of a discovery or key-set fetch
 */
@Validated
@ConfigurationProperties("caravan.auth.oidc")
public record OidcProperties(@Valid @DefaultValue List<Issuer> issuers,
                             @NotNull @DefaultValue("60s") Duration clockSkew,
                             @Min(256) @DefaultValue("6144") int maxTokenLength,
                             @Min(16) @DefaultValue("10000") long cacheSize,
                             @NotNull @DefaultValue("5m") Duration jwksCacheTtl,
                             @NotNull @DefaultValue("30s") Duration jwksRefreshMinInterval,
                             @NotNull @DefaultValue("12h") Duration outageTolerance,
                             @NotNull @DefaultValue("5s") Duration fetchTimeout) {

    /** Asymmetric JWS algorithms only: {@code none} and HS* (a shared secret, or an HMAC "signed" with a public key). */
    static final Set<String> ALLOWED_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512", "EdDSA", "Ed25519");

    public OidcProperties {
        if (jwksRefreshMinInterval != null && jwksCacheTtl != null
                && jwksRefreshMinInterval.compareTo(jwksCacheTtl) >= 0) {
            throw new IllegalArgumentException("caravan.auth.oidc.jwks-refresh-min-interval must be shorter than "
                    + "jwks-cache-ttl");
        }
        issuers = issuers == null ? List.of() : List.copyOf(issuers);
        if (issuers.stream().map(Issuer::issuer).distinct().count() < issuers.size()) {
            throw new IllegalArgumentException("caravan.auth.oidc.issuers lists the same issuer twice");
        }
    }

    /**
     * One trusted identity provider.
     *
     * @param name         a short name for it, recorded as the caller's key id {@code oidc:<name>} in usage records
     * @param issuer       the issuer URL exactly as tokens carry it in {@code iss}; its discovery document
     *                     ({@code <issuer>/.well-known/openid-configuration}) names the key set
     * @param jwksUri      the key set's URL, to skip discovery (a Kubernetes API server whose issuer URL is not
     *                     reachable unauthenticated); empty: discovered
     * @param audiences    a token must be meant for one of these ({@code aud})
     * @param algorithms   the signature algorithms accepted; asymmetric ones only
     * @param projectClaim the claim that names the caller's project: {@code azp}, {@code groups},
     *                     {@code kubernetes.io/namespace}; a path into nested claims is written with {@code /}
     *                     (a claim name may contain dots, as {@code kubernetes.io} does)
     * @param projects     claim values and the project (id or name) each stands for; values with no entry are
     *                     refused. Empty: the claim's value itself is the project's id or name
     * @param userClaim    the claim that names the end user ({@code sub}, {@code email}, ...), which user budgets
     *                     and usage records then use; empty: none
     * @param models       the model ids or globs ({@code anthropic/*}) this issuer's tokens may use, as a scoped
     *                     key's {@code models}; empty: every model
     * @param apis         the APIs its tokens may call ({@code chat}, {@code messages}, …), as a scoped key's
     *                     {@code apis}; empty: every API
     * @param providers    the providers that may serve its tokens' requests, as a scoped key's {@code providers};
     *                     empty: every provider
     */
    public record Issuer(@NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,40}") String name,
                         @NotBlank @Pattern(regexp = "https?://.+") String issuer,
                         @DefaultValue("") String jwksUri,
                         @NotEmpty List<@NotBlank String> audiences,
                         @DefaultValue({"RS256", "ES256", "PS256"}) List<String> algorithms,
                         @NotBlank String projectClaim,
                         @Valid @DefaultValue List<ProjectMapping> projects,
                         @DefaultValue("sub") String userClaim,
                         @DefaultValue List<String> models,
                         @DefaultValue List<String> apis,
                         @DefaultValue List<String> providers) {

        public Issuer {
            models = models == null ? List.of() : List.copyOf(models);
            apis = apis == null ? List.of() : List.copyOf(apis);
            providers = providers == null ? List.of() : List.copyOf(providers);
            try {
                scope(models, apis, providers);
            } catch (Scope.Invalid e) {
                // refused at start: a typo must not quietly widen or empty what the issuer's tokens may do
                throw new IllegalArgumentException("caravan.auth.oidc issuer " + name + ": " + e.getMessage());
            }
            jwksUri = jwksUri == null ? "" : jwksUri.strip();
            algorithms = algorithms == null || algorithms.isEmpty() ? List.of("RS256", "ES256", "PS256")
                    : List.copyOf(algorithms);
            for (String algorithm : algorithms) {
                if (!ALLOWED_ALGORITHMS.contains(algorithm)) {
                    throw new IllegalArgumentException("caravan.auth.oidc: algorithm '" + algorithm + "' of issuer "
                            + issuer + " is not accepted; use asymmetric ones only " + ALLOWED_ALGORITHMS);
                }
            }
            projects = projects == null ? List.of() : List.copyOf(projects);
            userClaim = userClaim == null ? "" : userClaim.strip();
        }

        /** What this issuer's tokens may do; tokens expire by their own {@code exp}. */
        public Scope scope() {
            return scope(models, apis, providers);
        }

        private static Scope scope(List<String> models, List<String> apis, List<String> providers) {
            return Scope.of(models.isEmpty() ? null : models, apis.isEmpty() ? null : apis, null)
                    .withProviders(providers.isEmpty() ? null : providers);
        }
    }

    /**
     * @param value   a value of the issuer's project claim (one group, one {@code azp}, one namespace)
     * @param project the project it stands for: its id ({@code prj_…}) or its name
     */
    public record ProjectMapping(@NotBlank String value, @NotBlank String project) {
    }
}
