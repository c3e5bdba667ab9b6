package dev.caravan.auth.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.identity.Scope;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * One configured issuer: its keys (discovered, cached, refreshed on an unknown {@code kid}, kept through an outage)
 * and nimbus's checks of a token against them: an allowed asymmetric algorithm, the signature, {@code iss} exactly,
 * an accepted {@code aud}, {@code exp} (required) and {@code nbf} within the clock skew.
 */
final class TrustedIssuer {

    private final OidcProperties.Issuer config;
    private final ClaimMapping mapping;
    /** Compiled once: every token of this issuer shares it. */
    private final Scope scope;
    private final IssuerKeys keys;
    private static final Logger LOG = LoggerFactory.getLogger(TrustedIssuer.class);
    private static final String UNKNOWN_KEY = "The token's signing key is not one of its issuer's keys.";

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Set<JWSAlgorithm> algorithms;
    /** Logged once per outage, not once per request. */
    private final AtomicBoolean unreachable = new AtomicBoolean();

    TrustedIssuer(OidcProperties.Issuer config, OidcProperties settings, ResourceRetriever retriever) {
        this.config = config;
        this.mapping = ClaimMapping.of(config);
        this.scope = config.scope();
        this.keys = new IssuerKeys(config.issuer(), config.jwksUri(), retriever);
        long ttl = settings.jwksCacheTtl().toMillis();
        JWKSource<SecurityContext> source = JWKSourceBuilder.create(keys)
                .cache(ttl, 2 * settings.fetchTimeout().toMillis())
                .rateLimited(settings.jwksRefreshMinInterval().toMillis())
                .outageTolerant(settings.outageTolerance().toMillis())
                .build();
        this.algorithms = config.algorithms().stream().map(JWSAlgorithm::parse)
                .collect(Collectors.toSet());
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, source));
        // access tokens are typed JWT, at+jwt (RFC 9068) or not at all (Kubernetes service-account tokens)
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
                new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                new HashSet<>(config.audiences()), new JWTClaimsSet.Builder().issuer(config.issuer()).build(),
                Set.of("exp"), null);
        claims.setMaxClockSkew(Math.toIntExact(settings.clockSkew().toSeconds()));
        processor.setJWTClaimsSetVerifier(claims);
    }

    String name() {
        return config.name();
    }

    ClaimMapping mapping() {
        return mapping;
    }

    Scope scope() {
        return scope;
    }

    /**
     * The token's claims once every check passed. A {@link Refused} for a token that is wrong for good (so it may be
     * remembered as such), a {@link GatewayException} for one that might pass later (an unknown key, the issuer
     * unreachable).
     */
    JWTClaimsSet verify(SignedJWT token) throws Refused {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            unreachable.set(false);
            return claims;
        } catch (BadJWSException e) {
            throw new Refused("The token's signature does not verify.");
        } catch (BadJWTException e) {
            // nimbus says which claim failed ("Expired JWT", "JWT audience rejected", ...): no secret in it
            throw new Refused("The token was refused: " + e.getMessage() + ".");
        } catch (BadJOSEException e) {
            if (!algorithms.contains(token.getHeader().getAlgorithm())) {
                throw new Refused("The token's algorithm (" + token.getHeader().getAlgorithm()
                        + ") is not accepted; accepted: " + config.algorithms() + ".");
            }
            // not remembered as refused: an issuer may sign with a new key a moment before it publishes it
            throw unauthorized(UNKNOWN_KEY);
        } catch (RateLimitReachedException e) {
            if (keys.fetched()) {
                throw unauthorized(UNKNOWN_KEY);
            }
            throw unavailable(e);
        } catch (KeySourceException e) {
            throw unavailable(e);
        } catch (JOSEException e) {
            throw new Refused("The token could not be verified.");
        }
    }

    private GatewayException unavailable(KeySourceException cause) {
        if (!unreachable.getAndSet(true)) {
            LOG.warn("the signing keys of issuer {} cannot be fetched; its tokens get 503 until they can: {}",
                    config.issuer(), cause.getMessage());
        }
        return new GatewayException(ErrorKind.IDENTITY_PROVIDER_UNAVAILABLE, "The signing keys of the token's "
                + "issuer cannot be fetched right now; retry shortly, or use a gateway key.");
    }

    static GatewayException unauthorized(String message) {
        return new GatewayException(ErrorKind.AUTHENTICATION, message);
    }

    /** A token that will never pass; the message is for the client. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
