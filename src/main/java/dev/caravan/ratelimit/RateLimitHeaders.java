package dev.caravan.ratelimit;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OpenAI's rate-limit headers: {@code x-ratelimit-limit-requests}, {@code -remaining-requests},
 * {@code -reset-requests} and the same three for tokens. The reset is the time until the bucket is full again,
 * written as OpenAI writes it (Go's duration format): {@code 12ms}, {@code 1s}, {@code 1.5s}, {@code 6m0s}.
 */
public final class RateLimitHeaders {

    private RateLimitHeaders() {
    }

    /** One kind's state after this request: the tightest of the key's and the project's buckets. */
    public record Window(long limit, long remaining, long nanosToReset) {

        /** Of two buckets of one kind, the one with fewer left is the one a client must pace itself by. */
        static Window tighter(Window a, Window b) {
            return a == null || b != null && b.remaining < a.remaining ? b : a;
        }
    }

    public static Map<String, String> of(Window requests, Window tokens) {
        Map<String, String> headers = new LinkedHashMap<>();
        put(headers, "requests", requests);
        put(headers, "tokens", tokens);
        return headers;
    }

    private static void put(Map<String, String> headers, String kind, Window window) {
        if (window != null) {
            headers.put("x-ratelimit-limit-" + kind, Long.toString(window.limit()));
            headers.put("x-ratelimit-remaining-" + kind, Long.toString(Math.max(0, window.remaining())));
            headers.put("x-ratelimit-reset-" + kind, duration(window.nanosToReset()));
        }
    }

    /** Go's {@code time.Duration} format at millisecond precision, rounded up so a client never retries early. */
    static String duration(long nanos) {
        long millis = Math.ceilDiv(Math.max(0, nanos), 1_000_000L);
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        String seconds = BigDecimal.valueOf(millis % 60_000, 3).stripTrailingZeros().toPlainString();
        return (hours > 0 ? hours + "h" : "") + (hours > 0 || minutes > 0 ? minutes + "m" : "") + seconds + "s";
    }
}
