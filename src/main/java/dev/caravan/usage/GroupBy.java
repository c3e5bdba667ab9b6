package dev.caravan.usage;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The dimensions {@code GET /v1/report} groups by: the name is the query value and the field naming the group in
 * each result, as in Vercel's report ({@code "day": "2026-01-15"}, {@code "tag": "production"}).
 */
public enum GroupBy {
    // the UTC day from the epoch: CAST(... AS DATE) would use the session's time zone on H2, whatever the offset
    DAY("FLOOR(EXTRACT(EPOCH FROM r.created_at) / 86400)"),
    // a request no model served (every provider failed) is reported under the model it asked for
    MODEL("COALESCE(r.served_model, r.requested_model)"),
    PROVIDER("r.provider"),
    KEY("r.key_id"),
    PROJECT("r.project_id"),
    USER("r.end_user"),
    // a request with two tags counts under both; one without any under null
    TAG("t.tag"),
    // primary (a client's request) or shadow (its copy to a candidate model, routes/chains/shadow.yaml)
    TRAFFIC("CASE WHEN r.shadow_of IS NULL THEN 'primary' ELSE 'shadow' END");

    private final String expression;

    GroupBy(String expression) {
        this.expression = expression;
    }

    /** The SQL expression of the group, from constants only. */
    String expression() {
        return expression;
    }

    public String field() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<GroupBy> parse(String value) {
        return Arrays.stream(values()).filter(g -> g.field().equals(value)).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(GroupBy::field).collect(Collectors.joining(", "));
    }
}
