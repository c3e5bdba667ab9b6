package dev.caravan.usage;

import dev.caravan.error.GatewayException;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The filters of a request log page, read strictly from the raw query string: every problem is a 400 naming the
 * parameter, and so is a parameter the endpoint does not know, since a typo ({@code stauts=5xx}) must not pass
 * silently as "everything". Query parameters are read from the query string itself, not from Camel's headers, where
 * a client's HTTP header of the same name would count as a filter.
 *
 * @param from      records created at or after it, or null
 * @param to        records created before it, or null
 * @param statusMin the lowest HTTP status, or null ({@code status=5xx} is 500 to 599)
 * @param statusMax the highest HTTP status, or null
 * @param minCost   records that cost at least this (USD); unpriced ones are left out then
 * @param after     the previous page's cursor, or null for the newest records
 */
public record RequestLogQuery(Instant from, Instant to, String keyId, String projectId, String model, String provider,
                       Integer statusMin, Integer statusMax, BigDecimal minCost, int limit, RequestLogCursor after) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    static final List<String> PARAMETERS = List.of("from", "to", "key_id", "project_id", "model", "provider",
            "status", "min_cost", "limit", "cursor");

    private static final Pattern CODE = Pattern.compile("[1-5]\\d\\d");
    private static final Pattern CLASS = Pattern.compile("[1-5]xx");
    private static final Pattern LIMIT = Pattern.compile("\\d{1,4}");
    // a four-digit year: Instant.parse takes +999999999 too, which no database column holds
    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T.+");
    private static final int MAX_TEXT = 200;

    static RequestLogQuery parse(String rawQuery) {
        Map<String, String> in = parameters(rawQuery, PARAMETERS);
        Instant from = instant(in, "from");
        Instant to = instant(in, "to");
        if (from != null && to != null && !to.isAfter(from)) {
            throw GatewayException.invalid("'to' must be later than 'from'.", "to");
        }
        Integer statusMin = null;
        Integer statusMax = null;
        String status = in.get("status");
        if (status != null) {
            String lower = status.toLowerCase(Locale.ROOT);
            if (CODE.matcher(lower).matches()) {
                statusMin = statusMax = Integer.parseInt(lower);
            } else if (CLASS.matcher(lower).matches()) {
                statusMin = (lower.charAt(0) - '0') * 100;
                statusMax = statusMin + 99;
            } else {
                throw GatewayException.invalid("'status' must be an HTTP status (429) or a class of them (5xx).",
                        "status");
            }
        }
        String cursor = in.get("cursor");
        return new RequestLogQuery(from, to, text(in, "key_id"), text(in, "project_id"), text(in, "model"),
                text(in, "provider"), statusMin, statusMax, cost(in.get("min_cost")), limit(in.get("limit")),
                cursor == null ? null : RequestLogCursor.decode(cursor));
    }

    /** Each of the {@code known} parameters once, decoded; empty values count as absent; any other is refused. */
    public static Map<String, String> parameters(String rawQuery, List<String> known) {
        Map<String, String> values = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return values;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals), null);
            if (!known.contains(name)) {
                throw GatewayException.invalid("Unknown query parameter '" + name + "'; this endpoint takes "
                        + String.join(", ", known) + ".", name);
            }
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1), name).strip();
            if (values.containsKey(name)) {
                throw GatewayException.invalid("'" + name + "' is given more than once.", name);
            }
            if (!value.isEmpty()) {
                values.put(name, value);
            }
        }
        return values;
    }

    private static String decode(String text, String param) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            throw GatewayException.invalid("The query string holds a malformed %-escape.", param);
        }
    }

    public static Instant instant(Map<String, String> in, String param) {
        String value = in.get(param);
        if (value == null) {
            return null;
        }
        if (INSTANT.matcher(value).matches()) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException malformed) {
                // refused below
            }
        }
        throw GatewayException.invalid("'" + param + "' must be an ISO-8601 instant such as 2026-01-15T00:00:00Z.",
                param);
    }

    public static String text(Map<String, String> in, String param) {
        String value = in.get(param);
        if (value != null && value.length() > MAX_TEXT) {
            throw GatewayException.invalid("'" + param + "' is longer than " + MAX_TEXT + " characters.", param);
        }
        return value;
    }

    private static BigDecimal cost(String value) {
        if (value == null) {
            return null;
        }
        String problem = "'min_cost' must be a number of USD, at least 0, with at most 10 decimals.";
        BigDecimal cost;
        try {
            cost = new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw GatewayException.invalid(problem, "min_cost");
        }
        // what NUMERIC(20, 10) holds; 1E+999999 would otherwise reach the database
        if (cost.signum() < 0 || cost.compareTo(BigDecimal.TEN.pow(10)) >= 0
                || cost.stripTrailingZeros().scale() > 10) {
            throw GatewayException.invalid(problem, "min_cost");
        }
        return cost;
    }

    public static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        if (!LIMIT.matcher(value).matches() || Integer.parseInt(value) < 1 || Integer.parseInt(value) > MAX_LIMIT) {
            throw GatewayException.invalid("'limit' must be a whole number from 1 to " + MAX_LIMIT + ".", "limit");
        }
        return Integer.parseInt(value);
    }
}
