package dev.caravan.simulator;

import java.util.concurrent.ThreadLocalRandom;

/** Provider-looking random ids; uniqueness matters to clients that de-duplicate, cryptographic quality does not. */
final class Ids {

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Ids() {
    }

    static String next() {
        return next(24);
    }

    static String next(int length) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[length];
        long bits = random.nextLong();
        for (int i = 0; i < length; i++) {
            if (i % 10 == 0) {
                bits = random.nextLong();
            }
            out[i] = ALPHABET[(int) ((bits & 0x3f) % ALPHABET.length)];
            bits >>>= 6;
        }
        return new String(out);
    }
}
