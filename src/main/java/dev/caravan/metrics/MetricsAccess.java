package dev.caravan.metrics;

import dev.caravan.admin.AdminKey;
import dev.caravan.auth.GatewayKeys;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.format.openai.ErrorBody;
import dev.caravan.keys.KeyHash;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Guards {@code /actuator/prometheus}: the admin key (checked as the admin API checks it) or the metrics token may
 * scrape, anyone when {@code caravan.metrics.anonymous} says so. A refusal is a 401 (403 when no credential could
 * ever pass) in OpenAI's error shape, as every other Caravan endpoint answers.
 */
public final class MetricsAccess implements Filter {

    private final AdminKey adminKey;
    private final byte[] tokenHash;
    private final boolean anonymous;

    public MetricsAccess(AdminKey adminKey, MetricsProperties properties) {
        this.adminKey = adminKey;
        String token = properties.token().strip();
        this.tokenHash = token.isEmpty() ? null : digest(token);
        this.anonymous = properties.anonymous();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (anonymous || !(req instanceof HttpServletRequest request)
                || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        GatewayException refusal = refusal(request.getHeader("Authorization"), request.getHeader("x-api-key"));
        if (refusal == null) {
            chain.doFilter(req, res);
            return;
        }
        byte[] body = ErrorBody.json(refusal);
        response.setStatus(refusal.kind().status());
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Why the scrape is refused, or null when its credential may scrape. */
    GatewayException refusal(String authorization, String apiKey) {
        String presented = GatewayKeys.presentedKey(authorization, apiKey);
        if (presented != null && tokenHash != null && MessageDigest.isEqual(tokenHash, digest(presented))) {
            return null;
        }
        try {
            adminKey.check(authorization, apiKey);
            return null;
        } catch (GatewayException refused) {
            if (refused.kind() == ErrorKind.PERMISSION_DENIED && tokenHash == null) {
                return new GatewayException(ErrorKind.PERMISSION_DENIED, "Metrics are off for scrapers: set "
                        + "CARAVAN_ADMIN_KEY or caravan.metrics.token on the gateway, or caravan.metrics.anonymous=true.");
            }
            return new GatewayException(ErrorKind.AUTHENTICATION, presented == null
                    ? "Missing metrics credential: send the admin key or caravan.metrics.token as "
                    + "'Authorization: Bearer <key>'."
                    : "Invalid metrics credential: scrape with the admin key or caravan.metrics.token.");
        }
    }

    private static byte[] digest(String secret) {
        return KeyHash.sha256(secret).getBytes(StandardCharsets.US_ASCII);
    }
}
