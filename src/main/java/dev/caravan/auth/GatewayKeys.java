package dev.caravan.auth;

import dev.caravan.auth.oidc.JwtShape;
import dev.caravan.auth.oidc.OidcProperties;
import dev.caravan.auth.oidc.OidcTokens;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.identity.Caller;
import dev.caravan.identity.Scope;
import dev.caravan.keys.KeyHash;
import dev.caravan.keys.KeyLookup;
import dev.caravan.keys.KeySecrets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the caller's gateway key or identity-provider token. OpenAI-style clients send
 * {@code Authorization: Bearer <key>}, Anthropic-style clients {@code x-api-key}; either header may carry either
 * credential. Accepted keys are held as hashes only: the one in {@code AI_GATEWAY_API_KEY}, so a first run needs no
 * admin step, any listed in {@code caravan.auth.key-hashes}, and the keys issued through the admin API
 * ({@link KeyLookup}, which knows each one's project and rate limits). A credential shaped like a JWT goes to
 * {@link OidcTokens} instead; the shapes are told apart by their characters, with no lookup. Both credential headers
 * are removed once checked, so they can never travel further.
 *
 * <p>A scoped key ({@link Scope}) is checked here for what the route alone decides: its expiry (a 401, as for a
 * revoked key) and the API, which each API route names in {@value #API_PROPERTY} before this step (a 403). The models
 * it may use are checked where they are known, in {@code api.Intake}.
 */
@Component("gatewayKeys")
public class GatewayKeys {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayKeys.class);
    private static final String BEARER = "Bearer ";
    /** The API a route serves ({@link Scope#APIS}), set by the route before this step. */
    public static final String API_PROPERTY = "caravanApi";

    private final Set<String> hashes = new HashSet<>();
    private final KeyLookup issued;
    private final OidcTokens tokens;
    private final int maxLength;

    public GatewayKeys(AuthProperties properties, KeyLookup issued, OidcTokens tokens, OidcProperties oidc) {
        this.issued = issued;
        this.tokens = tokens;
        this.maxLength = oidc.maxTokenLength();
        if (!properties.gatewayKey().isBlank()) {
            hashes.add(KeyHash.sha256(properties.gatewayKey().strip()));
        }
        properties.keyHashes().stream().filter(h -> !h.isBlank()).map(String::strip).forEach(hashes::add);
        if (hashes.isEmpty()) {
            LOG.info("no gateway key is configured in the environment: only keys issued through the admin API are "
                    + "accepted (set AI_GATEWAY_API_KEY for one that needs no admin step)");
        }
    }

    /** Refuses the exchange with 401 unless it carries an accepted key. */
    public void authenticate(Exchange exchange) {
        Message in = exchange.getMessage();
        String key = presentedKey(in.getHeader("Authorization", String.class), in.getHeader("x-api-key", String.class));
        in.removeHeader("Authorization");
        in.removeHeader("x-api-key");
        if (key == null) {
            throw new GatewayException(ErrorKind.AUTHENTICATION,
                    "Missing gateway key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.");
        }
        if (key.length() > maxLength) {
            // refused before it is hashed or parsed: a huge credential costs no more than a short wrong one
            throw new GatewayException(ErrorKind.AUTHENTICATION,
                    "The credential is longer than this gateway accepts (" + maxLength + " characters).");
        }
        String hash = KeyHash.sha256(key);
        Caller caller = hashes.contains(hash) ? Caller.ENVIRONMENT
                : JwtShape.looksLikeJwt(key) ? tokens.caller(key, hash)
                // anything not shaped like an issued key is refused without a cache entry or a query
                : KeySecrets.hasIssuedShape(key) ? issued.caller(hash).orElse(null) : null;
        if (caller == null) {
            throw new GatewayException(ErrorKind.AUTHENTICATION, "Invalid gateway key.");
        }
        checkScope(caller.scope(), exchange.getProperty(API_PROPERTY, String.class), Instant.now());
        exchange.setProperty(Caller.PROPERTY, caller);
    }

    /** Refuses an expired credential (401) and an API its scope leaves out (403); the credential is never named. */
    static void checkScope(Scope scope, String api, Instant now) {
        if (scope.expired(now)) {
            throw new GatewayException(ErrorKind.AUTHENTICATION, "The credential expired at " + scope.expiresAt()
                    + "; ask for a new one.");
        }
        if (!scope.allowsApi(api)) {
            throw new GatewayException(ErrorKind.PERMISSION_DENIED, "This credential may not call "
                    + (api == null ? "this endpoint" : "the '" + api + "' API") + "; it may call: "
                    + String.join(", ", scope.apis()) + ".");
        }
    }

    /** The key a request carries, from either header; null when it has none. */
    public static String presentedKey(String authorization, String apiKey) {
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String key = authorization.substring(BEARER.length()).strip();
            if (!key.isEmpty()) {
                return key;
            }
        }
        return apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    }
}
