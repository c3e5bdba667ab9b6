package dev.caravan.usage;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Generation ids, {@code gen_} plus 26 characters of Crockford base32: 48 bits of milliseconds then 80 random bits
 * (a ULID), so ids sort by time, which keeps the usage table's primary-key index append-mostly.
 */
public final class GenerationIds {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private GenerationIds() {
    }

    public static String next() {
        return next(System.currentTimeMillis(), ThreadLocalRandom.current().nextLong(),
                ThreadLocalRandom.current().nextInt());
    }

    static String next(long millis, long random64, int random16) {
        char[] out = new char[30];
        out[0] = 'g';
        out[1] = 'e';
        out[2] = 'n';
        out[3] = '_';
        // 10 characters of time (50 bits, the top 2 always 0), then 16 of randomness (80 bits)
        for (int i = 9; i >= 0; i--) {
            out[4 + i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        long high = random64;
        for (int i = 15; i >= 4; i--) {
            out[14 + i] = ALPHABET[(int) (high & 31)];
            high >>>= 5;
        }
        // 12 characters took 60 bits of random64; its last 4 bits and 16 of random16 make the first 4 characters
        long low = ((high & 0xF) << 16) | (random16 & 0xFFFF);
        for (int i = 3; i >= 0; i--) {
            out[14 + i] = ALPHABET[(int) (low & 31)];
            low >>>= 5;
        }
        return new String(out);
    }
}
