package dev.caravan.controlplane;

import java.security.SecureRandom;

/** Random identifiers and secrets in base62, so they survive URLs, headers and double-clicks unescaped. */
public final class Ids {

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** {@code <prefix>_} and 20 base62 characters (119 bits): ids of keys, projects and budgets. */
    public static String of(String prefix) {
        return prefix + "_" + base62(20);
    }

    /** {@code length} characters drawn uniformly from base62, about 5.95 bits each. */
    public static String base62(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(BASE62.charAt(RANDOM.nextInt(BASE62.length())));
        }
        return out.toString();
    }

    public static boolean isBase62(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }
}
