package dev.caravan.audit;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;

/**
 * Who made an admin change and from where, captured when the admin key is checked (before any step can replace the
 * request's message) and kept on the exchange until the change is recorded.
 *
 * @param actor         who, as the gateway verified it: {@code admin-key:} and the first characters of the admin
 *                      key's SHA-256, which tells a rotated key from the one before without revealing either
 * @param label         what the caller said of itself in {@code x-caravan-actor} (a person, a pipeline); unverified,
 *                      which is why it is a column of its own; null when not sent
 * @param sourceAddress the client's address as the server saw it; null when the request came by no socket
 * @param userAgent     the client's {@code User-Agent}, cut to 200 characters; null when not sent
 */
public record AuditActor(String actor, String label, String sourceAddress, String userAgent) {

    static final String PROPERTY = "caravanAuditActor";
    public static final String LABEL_HEADER = "x-caravan-actor";
    private static final int MAX_LABEL = 100;
    private static final int MAX_AGENT = 200;

    /** Keeps {@code actor}, and the request's label, address and agent, on the exchange for {@link AuditLog}. */
    public static void capture(Exchange exchange, String actor) {
        HttpServletRequest request = exchange.getIn() instanceof PlatformHttpMessage http ? http.getRequest() : null;
        exchange.setProperty(PROPERTY, new AuditActor(actor,
                printable(exchange.getIn().getHeader(LABEL_HEADER, String.class), MAX_LABEL),
                request == null ? null : request.getRemoteAddr(),
                printable(exchange.getIn().getHeader("User-Agent", String.class), MAX_AGENT)));
    }

    static AuditActor of(Exchange exchange) {
        AuditActor actor = exchange.getProperty(PROPERTY, AuditActor.class);
        if (actor == null) {
            // a change reached by a path that skipped the admin check would be a bug, not an anonymous admin
            throw new IllegalStateException("an admin change without a verified actor");
        }
        return actor;
    }

    /** The text without control characters (no forged lines in a log viewer), stripped and cut; null when empty. */
    static String printable(String text, int max) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            if (!Character.isISOControl(c)) {
                out.append(c);
            }
        }
        String kept = out.toString().strip();
        return kept.isEmpty() ? null : kept;
    }
}
