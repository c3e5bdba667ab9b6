package dev.caravan.auth.oidc;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetRetrievalException;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.Map;

/**
 * Where an issuer's signing keys are fetched from: its {@code jwks-uri} when configured, else the {@code jwks_uri} of
 * its discovery document, read on the first fetch (not at start, so a gateway starts while its issuer is down) and
 * kept once read. Sits under nimbus's cache and rate limiter, so discovery is retried no more often than key sets.
 * Remembers whether a key set ever arrived: a rate-limited refresh then means "unknown key", not "issuer down".
 */
final class IssuerKeys implements JWKSetSource<SecurityContext> {

    private static final String DISCOVERY = "/.well-known/openid-configuration";

    private final String issuer;
    private final ResourceRetriever retriever;
    private volatile URLBasedJWKSetSource<SecurityContext> keySet;
    private volatile boolean fetched;

    IssuerKeys(String issuer, String jwksUri, ResourceRetriever retriever) {
        this.issuer = issuer;
        this.retriever = retriever;
        this.keySet = jwksUri.isEmpty() ? null : new URLBasedJWKSetSource<>(url(jwksUri), retriever);
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refresh, long currentTime, SecurityContext context)
            throws KeySourceException {
        URLBasedJWKSetSource<SecurityContext> source = keySet;
        if (source == null) {
            source = new URLBasedJWKSetSource<>(discoverJwksUri(), retriever);
            keySet = source;
        }
        JWKSet keys = source.getJWKSet(refresh, currentTime, context);
        fetched = true;
        return keys;
    }

    /** Whether a key set was ever fetched (and so is cached, outage-tolerantly). */
    boolean fetched() {
        return fetched;
    }

    private URL discoverJwksUri() throws KeySourceException {
        String document = issuer.replaceAll("/+$", "") + DISCOVERY;
        Map<String, Object> metadata;
        try {
            metadata = JSONObjectUtils.parse(retriever.retrieveResource(url(document)).getContent());
        } catch (IOException | ParseException | IllegalArgumentException e) {
            throw new JWKSetRetrievalException("the discovery document " + document + " could not be read: " + e, e);
        }
        // OpenID Connect Discovery 1.0, 4.3: the document must name the issuer it was fetched for, or its keys
        // would vouch for another issuer's tokens
        if (!issuer.equals(metadata.get("issuer"))) {
            throw new JWKSetRetrievalException("the discovery document " + document + " names issuer '"
                    + metadata.get("issuer") + "', not " + issuer, null);
        }
        if (!(metadata.get("jwks_uri") instanceof String jwksUri) || jwksUri.isBlank()) {
            throw new JWKSetRetrievalException("the discovery document " + document + " has no jwks_uri", null);
        }
        try {
            return url(jwksUri);
        } catch (IllegalArgumentException e) {
            throw new JWKSetRetrievalException("the jwks_uri of " + document + " is not a URL", e);
        }
    }

    private static URL url(String text) {
        try {
            return URI.create(text).toURL();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + text, e);
        }
    }

    @Override
    public void close() {
        // nothing held open: every fetch is its own connection
    }
}
