package dev.caravan.auth.oidc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.caravan.identity.Caller;
import dev.caravan.identity.RateLimit;
import dev.caravan.identity.Scope;
import dev.caravan.keys.Project;
import dev.caravan.keys.ProjectLookup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JWT bearer tokens of the trusted issuers ({@link OidcProperties}) as callers. A token is checked once: the outcome
 * is remembered by the token's SHA-256 (an accepted token until its {@code exp}, a refused one for a minute), so a
 * client sending the same token on every request costs a hash and a map lookup, as a gateway key does, not an RSA
 * verification. What a verified token maps to is a project reference; the project itself (its id and rate limit) is
 * read through {@link ProjectLookup} on every request, so an admin's change to it applies at once.
 */
@Component
public class OidcTokens {

    private static final Logger LOG = LoggerFactory.getLogger(OidcTokens.class);
    private static final Duration REFUSAL_MEMORY = Duration.ofMinutes(1);
    private static final Duration MAX_MEMORY = Duration.ofDays(1);

    private final Map<String, TrustedIssuer> issuers = new LinkedHashMap<>();
    private final ProjectLookup projects;
    private final Clock clock;
    private final Cache<String, Outcome> checked;

    @Autowired
    public OidcTokens(OidcProperties properties, ProjectLookup projects) {
        this(properties, projects, Clock.systemUTC());
    }

    OidcTokens(OidcProperties properties, ProjectLookup projects, Clock clock) {
        this.projects = projects;
        this.clock = clock;
        int timeout = Math.toIntExact(properties.fetchTimeout().toMillis());
        // a key set is a few KB; a hostile or broken endpoint must not make the gateway read megabytes
        var retriever = new DefaultResourceRetriever(timeout, timeout, 512 * 1024);
        for (OidcProperties.Issuer issuer : properties.issuers()) {
            issuers.put(issuer.issuer(), new TrustedIssuer(issuer, properties, retriever));
        }
        this.checked = Caffeine.newBuilder().maximumSize(properties.cacheSize()).expireAfter(new UntilDue()).build();
        if (!issuers.isEmpty()) {
            LOG.info("tokens of {} trusted issuer(s) are accepted: {}", issuers.size(), issuers.keySet());
        }
    }

    /**
     * Who the token stands for. Throws the 401 (or, while its issuer's keys cannot be fetched, the 503) to answer.
     *
     * @param tokenHash the token's SHA-256, computed once by the caller
     */
    public Caller caller(String token, String tokenHash) {
        Outcome outcome = checked.getIfPresent(tokenHash);
        if (outcome == null || outcome instanceof Accepted accepted && !accepted.expiresAt().isAfter(clock.instant())) {
            outcome = check(token);
            checked.put(tokenHash, outcome);
        }
        return switch (outcome) {
            case Accepted accepted -> caller(accepted);
            case Refusal refusal -> throw TrustedIssuer.unauthorized(refusal.message());
        };
    }

    private Outcome check(String token) {
        if (issuers.isEmpty()) {
            return refusal("This gateway accepts no identity-provider tokens: send a gateway key.");
        }
        SignedJWT jwt;
        String iss;
        try {
            jwt = SignedJWT.parse(token);
            iss = jwt.getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            return refusal("The token is not a well-formed signed JWT.");
        }
        TrustedIssuer issuer = iss == null ? null : issuers.get(iss);
        if (issuer == null) {
            return refusal("The token's issuer is not one this gateway trusts.");
        }
        try {
            JWTClaimsSet claims = issuer.verify(jwt);
            Map<String, Object> values = claims.getClaims();
            return new Accepted(issuer.name(), issuer.mapping().project(values), issuer.mapping().user(values),
                    claims.getExpirationTime().toInstant(), issuer.scope());
        } catch (TrustedIssuer.Refused | ClaimMapping.Refusal e) {
            return refusal(e.getMessage());
        }
    }

    private Caller caller(Accepted token) {
        Project project = projects.project(token.project()).orElseThrow(() -> TrustedIssuer.unauthorized(
                "The token maps to project '" + token.project() + "', which this gateway does not have (or has "
                        + "more than one of by that name)."));
        return new Caller("oidc:" + token.issuer(), project.id(), RateLimit.NONE, project.rateLimit(), token.user(),
                token.scope());
    }

    private Refusal refusal(String message) {
        return new Refusal(message, clock.instant().plus(REFUSAL_MEMORY));
    }

    /** What checking a token came to. */
    sealed interface Outcome {
        Instant until();
    }

    /**
     * A verified token: the issuer's name, the project id or name its claims map to, its user (or null), and what
     * its issuer's tokens may do.
     */
    record Accepted(String issuer, String project, String user, Instant expiresAt, Scope scope) implements Outcome {
        @Override
        public Instant until() {
            return expiresAt;
        }
    }

    record Refusal(String message, Instant until) implements Outcome {
    }

    /** Each outcome is forgotten when it is due: an accepted token at its expiry. */
    private final class UntilDue implements Expiry<String, Outcome> {
        @Override
        public long expireAfterCreate(String key, Outcome value, long currentTime) {
            // capped: a token claiming to live for centuries is simply checked again tomorrow
            Duration left = Duration.between(clock.instant(), value.until());
            return Math.clamp(left.compareTo(MAX_MEMORY) > 0 ? MAX_MEMORY.toNanos() : left.toNanos(), 0, Long.MAX_VALUE);
        }

        @Override
        public long expireAfterUpdate(String key, Outcome value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(String key, Outcome value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
