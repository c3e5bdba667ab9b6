package dev.caravan.admin;

import dev.caravan.audit.AuditActor;
import dev.caravan.auth.AuthProperties;
import dev.caravan.auth.GatewayKeys;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.keys.KeyHash;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Guards the admin API with the key in {@code CARAVAN_ADMIN_KEY}, sent like a gateway key ({@code Authorization:
 * Bearer …} or {@code x-api-key}). Held as a hash and compared in constant time. Without it the admin API is off and
 * says how to switch it on. Gateway keys, however valid, are not admin keys.
 */
@Component("adminKey")
public class AdminKey {

    private static final Logger LOG = LoggerFactory.getLogger(AdminKey.class);

    private final byte[] hash;
    /** {@code admin-key:} and the hash's first 8 hex digits (32 bits): names the key in the audit log, not a secret. */
    private final String actor;

    public AdminKey(AuthProperties properties) {
        String key = properties.adminKey().strip();
        if (!key.isEmpty() && key.equals(properties.gatewayKey().strip())) {
            // every client holding the gateway key would be an admin
            throw new IllegalStateException("CARAVAN_ADMIN_KEY must differ from AI_GATEWAY_API_KEY");
        }
        this.hash = key.isEmpty() ? null : digest(key);
        this.actor = hash == null ? null : "admin-key:" + new String(hash, 0, 8, StandardCharsets.US_ASCII);
        if (hash == null) {
            LOG.info("the admin API (/v1/admin/*) is off: set CARAVAN_ADMIN_KEY to switch it on");
        }
    }

    /**
     * Refuses the exchange unless it carries the admin key; removes the credential headers either way. An admitted
     * exchange carries its {@link AuditActor} for the audit log: the key's fingerprint, and where the request came
     * from.
     */
    public void authorize(Exchange exchange) {
        Message in = exchange.getMessage();
        String authorization = in.getHeader("Authorization", String.class);
        String apiKey = in.getHeader("x-api-key", String.class);
        in.removeHeader("Authorization");
        in.removeHeader("x-api-key");
        check(authorization, apiKey);
        AuditActor.capture(exchange, actor);
    }

    /**
     * Throws unless the credential headers' values carry the admin key: 403 when the admin key is not set, 401 when
     * it is missing or wrong. Also guards {@code /actuator/prometheus}, which Spring MVC serves, not a route.
     */
    public void check(String authorization, String apiKey) {
        String key = GatewayKeys.presentedKey(authorization, apiKey);
        if (hash == null) {
            throw new GatewayException(ErrorKind.PERMISSION_DENIED,
                    "The admin API is off: set CARAVAN_ADMIN_KEY on the gateway to switch it on.");
        }
        if (key == null) {
            throw new GatewayException(ErrorKind.AUTHENTICATION,
                    "Missing admin key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.");
        }
        if (!MessageDigest.isEqual(hash, digest(key))) {
            throw new GatewayException(ErrorKind.AUTHENTICATION,
                    "Invalid admin key: the admin API takes the key set in CARAVAN_ADMIN_KEY, not a gateway key.");
        }
    }

    private static byte[] digest(String key) {
        return KeyHash.sha256(key).getBytes(StandardCharsets.US_ASCII);
    }
}
