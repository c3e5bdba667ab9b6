package dev.caravan.usage;

import dev.caravan.error.GatewayException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Where a page of the request log (or of the audit log) ended: the last record's {@code (created_at, id)}, the
 * log's sort key. The next page starts strictly after it (keyset pagination), so rows written meanwhile neither shift
 * nor repeat a page the way an OFFSET would. Clients get it as opaque base64url text and must not build one.
 */
public record RequestLogCursor(Instant createdAt, String id) {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final int MAX_ID = 48;

    public String encode() {
        return ENCODER.encodeToString((createdAt + " " + id).getBytes(StandardCharsets.UTF_8));
    }

    public static RequestLogCursor decode(String text) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int space = plain.indexOf(' ');
            if (space > 0 && space < plain.length() - 1 && plain.length() - space - 1 <= MAX_ID) {
                return new RequestLogCursor(Instant.parse(plain.substring(0, space)), plain.substring(space + 1));
            }
        } catch (IllegalArgumentException | DateTimeParseException malformed) {
            // refused below, like any other text that no page of ours handed out
        }
        throw GatewayException.invalid("'cursor' is not a cursor this API handed out: pass a page's next_cursor "
                + "as it is.", "cursor");
    }
}
