package dev.caravan.metrics;

import dev.caravan.error.ErrorKind;
import dev.caravan.routing.AttemptRecord;
import dev.caravan.usage.UsageRecord;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Label names and values of Caravan's series. The names follow the OpenTelemetry GenAI semantic conventions where
 * they have one ({@code gen_ai.provider.name}, {@code gen_ai.request.model}, {@code error.type}; Prometheus shows the
 * dots as underscores). Every value comes from a bounded set, computed once: an unknown one becomes {@code other}.
 */
final class Labels {

    static final String PROVIDER = "gen_ai.provider.name";
    /** The catalog model the gateway asked the provider for (the serving one after a fallback). */
    static final String MODEL = "gen_ai.request.model";
    static final String ERROR = "error.type";
    static final String NONE = "none";
    static final String SKIPPED = "skipped";

    /** OpenTelemetry's advice for {@code gen_ai.client.operation.duration}, in seconds. */
    static final Duration[] DURATION_BUCKETS = seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
            10.24, 20.48, 40.96, 81.92);
    /** OpenTelemetry's advice for {@code gen_ai.server.time_to_first_token}, in seconds. */
    static final Duration[] TTFT_BUCKETS = seconds(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75,
            1.0, 2.5, 5.0, 7.5, 10.0);
    /** The gateway's own time: well under a millisecond when all is well. */
    static final Duration[] OVERHEAD_BUCKETS = seconds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
            0.05, 0.1, 0.25, 1.0);

    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    private static final Map<ErrorKind, String> ERROR_TYPES = new EnumMap<>(ErrorKind.class);
    /** The codes an attempt's record may carry: its error kind's code (or type, for kinds without one). */
    private static final Set<String> ATTEMPT_ERRORS = Stream.of(ErrorKind.values())
            .map(kind -> kind.code() == null ? kind.type() : kind.code()).collect(Collectors.toUnmodifiableSet());

    static {
        for (ErrorKind kind : ErrorKind.values()) {
            ERROR_TYPES.put(kind, kind.name().toLowerCase(Locale.ROOT));
        }
    }

    private Labels() {
    }

    static String orNone(String value) {
        return value == null ? NONE : value;
    }

    static String statusClass(int status) {
        int index = status / 100 - 1;
        return index >= 0 && index < STATUS_CLASSES.length ? STATUS_CLASSES[index] : "other";
    }

    /** The error kind in lower case; {@code client_closed} for a request its client left; {@code none} else. */
    static String errorType(ErrorKind kind, UsageRecord.Outcome outcome) {
        if (kind != null) {
            return ERROR_TYPES.get(kind);
        }
        return switch (outcome) {
            case SUCCESS -> NONE;
            case CANCELLED -> "client_closed";
            case ERROR -> "other";
        };
    }

    /** {@code none} for an attempt that answered, {@code skipped} for one left out, else its error code. */
    static String attemptOutcome(AttemptRecord attempt) {
        if (attempt.success()) {
            return NONE;
        }
        String error = attempt.error();
        if (error == null) {
            // an invalid request has no code of its own, only its type
            return ErrorKind.INVALID_REQUEST.type();
        }
        if (error.startsWith("skipped")) {
            return SKIPPED;
        }
        return ATTEMPT_ERRORS.contains(error) ? error : "other";
    }

    private static Duration[] seconds(double... values) {
        return java.util.Arrays.stream(values).mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9)))
                .toArray(Duration[]::new);
    }
}
