package dev.caravan.keys;

import dev.caravan.controlplane.Ids;

/**
 * The shape of issued secrets: {@code cvn_} and 43 base62 characters (256 random bits). The fixed shape lets the
 * request path turn away anything else (typos, other vendors' keys, junk) without a database query.
 */
public final class KeySecrets {

    static final String PREFIX = "cvn_";
    private static final int RANDOM_LENGTH = 43;
    private static final int LENGTH = PREFIX.length() + RANDOM_LENGTH;
    /** Shown in listings: {@code cvn_} and 8 characters, 48 of the 256 bits. */
    private static final int DISPLAY_PREFIX_LENGTH = PREFIX.length() + 8;

    private KeySecrets() {
    }

    static String newSecret() {
        return PREFIX + Ids.base62(RANDOM_LENGTH);
    }

    static String displayPrefix(String secret) {
        return secret.substring(0, DISPLAY_PREFIX_LENGTH);
    }

    /** Whether {@code key} could be a key this gateway issued. */
    public static boolean hasIssuedShape(String key) {
        if (key.length() != LENGTH || !key.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            if (!Ids.isBase62(key.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
