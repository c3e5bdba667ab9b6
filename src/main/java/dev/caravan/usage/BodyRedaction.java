package dev.caravan.usage;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * What a kept body goes through before it is stored: anything shaped like a key is replaced by
 * {@value #REDACTED} (the gateway's own keys, OpenAI's and Anthropic's {@code sk-…}, Google's {@code AIza…}, bearer
 * tokens), then the text is cut at the cap. Redaction comes first: a key cut in half by the cap would no longer look
 * like one and would be kept in part.
 */
public final class BodyRedaction {

    public static final String REDACTED = "[redacted]";
    /** Longer than any key, so that a key straddling the cap is still seen whole by the redaction. */
    private static final int KEY_SLACK = 512;
    private static final Pattern KEYS = Pattern.compile(String.join("|",
            // the gateway's own (cvn_ and a base62 secret), and AI_GATEWAY_API_KEY values written alike
            "cvn[_-][A-Za-z0-9_-]{8,}",
            // sk-ant-… (Anthropic), sk-proj-… and sk-… (OpenAI and the many that copied its format)
            "sk-[A-Za-z0-9_-]{8,}",
            // Google API keys
            "AIza[A-Za-z0-9_-]{16,}",
            // a bearer token pasted into a prompt or a tool's arguments
            "(?i)(?<=bearer )[A-Za-z0-9._~+/=-]{16,}"));

    private BodyRedaction() {
    }

    /** {@code text} redacted, then cut to at most {@code maxBytes} UTF-8 bytes; null stays null. */
    public static Kept keep(CharSequence text, int maxBytes) {
        if (text == null) {
            return new Kept(null, false);
        }
        boolean cut = text.length() > maxBytes + KEY_SLACK;
        String bounded = cut ? text.subSequence(0, maxBytes + KEY_SLACK).toString() : text.toString();
        String redacted = KEYS.matcher(bounded).replaceAll(REDACTED);
        byte[] bytes = redacted.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return new Kept(redacted, cut);
        }
        return new Kept(utf8Prefix(bytes, maxBytes), true);
    }

    /** The longest prefix of {@code bytes} of at most {@code max} bytes that ends on a character boundary. */
    private static String utf8Prefix(byte[] bytes, int max) {
        int end = max;
        // back off continuation bytes (10xxxxxx) so that no character is split
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** A body as it will be stored, and whether the cap cut it. */
    public record Kept(String text, boolean truncated) {
    }
}
