package dev.caravan.auth;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.util.List;

/**
 * Which keys the gateway accepts ({@code caravan.auth.*}). application.yaml fills the two keys from the environment
 * ({@code AI_GATEWAY_API_KEY}, {@code CARAVAN_ADMIN_KEY}), where secrets belong; never put a key in a file.
 *
 * @param gatewayKey a key every client may use, accepted without any admin step (a first run's key)
 * @param keyHashes  more accepted keys, as SHA-256 hex hashes
 * @param adminKey   the key of the admin API ({@code /v1/admin/*}); empty switches the admin API off
 */
@Validated
@ConfigurationProperties("caravan.auth")
public record AuthProperties(@DefaultValue("") String gatewayKey, @DefaultValue List<String> keyHashes,
                             @DefaultValue("") String adminKey) {
}
