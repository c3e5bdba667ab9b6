package dev.caravan.admin;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.caravan.canonical.Json;
import dev.caravan.error.GatewayException;
import dev.caravan.identity.RateLimit;
import org.apache.camel.Exchange;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * An admin API request: its JSON body, path id and query parameters, read strictly. Every problem is a 400 naming
 * the field ({@code param}), and a field the endpoint does not know is one too: a typo such as {@code limit_usd}
 * must not pass silently as "no change".
 */
final class AdminRequest {

    // money must not go through a double: 0.1 would be stored as 0.1000000000000000055511151231257827
    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final int MAX_TEXT = 200;

    private final JsonNode body;

    private AdminRequest(JsonNode body) {
        this.body = body;
    }

    /** The body of a POST or PATCH, which must be a JSON object of {@code allowed} fields only. */
    static AdminRequest body(Exchange exchange, String... allowed) {
        String text = exchange.getMessage().getBody(String.class);
        JsonNode body;
        try {
            body = text == null || text.isBlank() ? null : READER.readTree(text);
        } catch (IOException e) {
            throw GatewayException.invalid("The body is not valid JSON.", null);
        }
        if (body == null || !body.isObject()) {
            throw GatewayException.invalid("Send a JSON object as the body ('Content-Type: application/json').",
                    null);
        }
        Set<String> known = Set.of(allowed);
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw GatewayException.invalid("Unknown field '" + name + "'; this endpoint takes "
                        + String.join(", ", new TreeSet<>(known)) + ".", name);
            }
        }
        return new AdminRequest(body);
    }

    /** The {@code {id}} of the path. */
    static String id(Exchange exchange) {
        return exchange.getMessage().getHeader("id", String.class);
    }

    /** A query parameter, or null when it is absent or empty. */
    static String query(Exchange exchange, String name) {
        String value = exchange.getMessage().getHeader(name, String.class);
        return value == null || value.isBlank() ? null : value.strip();
    }

    boolean has(String field) {
        return body.has(field);
    }

    /** The fields the body sets, in its order: what an update changed, for the audit log. */
    List<String> fields() {
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A non-blank string of at most 200 characters; null when absent (or JSON null) and not required. */
    String text(String field, boolean required) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw GatewayException.invalid("'" + field + "' is required.", field);
            }
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank() || node.asText().length() > MAX_TEXT) {
            throw GatewayException.invalid("'" + field + "' must be a non-empty string of at most " + MAX_TEXT
                    + " characters.", field);
        }
        return node.asText().strip();
    }

    /**
     * {@code {"requestsPerMinute": n, "tokensPerMinute": n}}, both optional positive integers; null when the field is
     * absent, {@link RateLimit#NONE} when it is JSON null (no limit).
     */
    RateLimit rateLimit(String field) {
        JsonNode node = body.get(field);
        if (node == null) {
            return null;
        }
        if (node.isNull()) {
            return RateLimit.NONE;
        }
        if (!node.isObject()) {
            throw GatewayException.invalid("'" + field + "' must be an object with requestsPerMinute and/or "
                    + "tokensPerMinute.", field);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("requestsPerMinute") && !name.equals("tokensPerMinute")) {
                throw GatewayException.invalid("Unknown field '" + field + "." + name + "'; a rate limit has "
                        + "requestsPerMinute and tokensPerMinute.", field + "." + name);
            }
        }
        RateLimit limit = new RateLimit(positive(node, field, "requestsPerMinute"),
                positive(node, field, "tokensPerMinute"));
        return limit.limited() ? limit : RateLimit.NONE;
    }

    private static Long positive(JsonNode limit, String field, String name) {
        JsonNode node = limit.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 1) {
            throw GatewayException.invalid("'" + field + "." + name + "' must be a positive integer.",
                    field + "." + name);
        }
        return node.asLong();
    }

    /** USD: a number from 0 to 10 billion with at most 10 decimals (what the database column holds). */
    BigDecimal usd(String field, boolean required) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw GatewayException.invalid("'" + field + "' is required (USD).", field);
            }
            return null;
        }
        BigDecimal value = node.isNumber() ? node.decimalValue() : null;
        if (value == null || value.signum() < 0 || value.compareTo(BigDecimal.TEN.pow(10)) >= 0
                || value.stripTrailingZeros().scale() > 10) {
            throw GatewayException.invalid("'" + field + "' must be a number of USD, at least 0, with at most 10 "
                    + "decimals.", field);
        }
        return value;
    }

    /** One of {@code type}'s constants, spelled in lower case; {@code fallback} when absent. */
    <E extends Enum<E>> E choice(String field, Class<E> type, E fallback) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (fallback == null) {
                throw GatewayException.invalid("'" + field + "' is required: one of " + choices(type) + ".", field);
            }
            return fallback;
        }
        return parse(node.isTextual() ? node.asText() : null, field, type);
    }

    /** A query parameter or path value that must be one of {@code type}'s constants; null stays null. */
    static <E extends Enum<E>> E parse(String value, String field, Class<E> type) {
        if (value == null) {
            return null;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().toLowerCase(Locale.ROOT).equals(value)) {
                return constant;
            }
        }
        throw GatewayException.invalid("'" + field + "' must be one of " + choices(type) + ".", field);
    }

    /** Percentages from 1 to 1000, each at most once; empty when absent or null. */
    List<Integer> percentages(String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        String problem = "'" + field + "' must be a list of distinct whole percentages from 1 to 1000, "
                + "such as [50, 80, 100].";
        if (!node.isArray()) {
            throw GatewayException.invalid(problem, field);
        }
        TreeSet<Integer> values = new TreeSet<>();
        for (JsonNode value : node) {
            if (!value.isIntegralNumber() || value.asLong() < 1 || value.asLong() > 1000
                    || !values.add(value.asInt())) {
                throw GatewayException.invalid(problem, field);
            }
        }
        return List.copyOf(values);
    }

    /** An absolute http(s) URL of at most 2000 characters; null when absent or null. */
    String url(String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        String problem = "'" + field + "' must be an absolute http or https URL of at most 2000 characters.";
        if (!node.isTextual() || node.asText().length() > 2000) {
            throw GatewayException.invalid(problem, field);
        }
        try {
            URI uri = new URI(node.asText());
            if (!uri.isAbsolute() || uri.getHost() == null
                    || !Set.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
                throw GatewayException.invalid(problem, field);
            }
        } catch (URISyntaxException e) {
            throw GatewayException.invalid(problem, field);
        }
        return node.asText();
    }

    /** A list of strings; null when absent or JSON null. */
    List<String> strings(String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw GatewayException.invalid("'" + field + "' must be a list of strings.", field);
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode value : node) {
            if (!value.isTextual()) {
                throw GatewayException.invalid("'" + field + "' must be a list of strings.", field);
            }
            values.add(value.asText());
        }
        return values;
    }

    /** An ISO-8601 instant ({@code 2026-12-31T23:59:59Z}) later than {@code now}; null when absent or JSON null. */
    Instant futureInstant(String field, Instant now) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        Instant value;
        try {
            value = node.isTextual() ? Instant.parse(node.asText().strip()) : null;
        } catch (DateTimeParseException e) {
            value = null;
        }
        if (value == null) {
            throw GatewayException.invalid("'" + field + "' must be an ISO-8601 instant such as "
                    + "2026-12-31T23:59:59Z.", field);
        }
        if (!value.isAfter(now)) {
            throw GatewayException.invalid("'" + field + "' is not in the future (" + value + ").", field);
        }
        // what both databases keep, so the listing shows what is enforced
        return value.truncatedTo(ChronoUnit.MICROS);
    }

    /** A boolean; {@code fallback} when absent. */
    boolean flag(String field, boolean fallback) {
        JsonNode node = body.get(field);
        if (node == null) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw GatewayException.invalid("'" + field + "' must be true or false.", field);
        }
        return node.asBoolean();
    }

    private static String choices(Class<? extends Enum<?>> type) {
        StringBuilder out = new StringBuilder();
        for (Enum<?> constant : type.getEnumConstants()) {
            out.append(out.isEmpty() ? "" : ", ").append(constant.name().toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }
}
