package dev.caravan.controlplane;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;

/**
 * JDBC for the reads a request may wait on (a key or budget the cache does not hold, a budget's recorded spend): the
 * application's connection pool, with a statement timeout ({@code caravan.control-plane.query-timeout}). Kept apart
 * from the shared {@link JdbcTemplate}, which also writes usage batches and runs usage reports, work that may
 * legitimately take longer than a request should wait.
 */
public final class RequestPathJdbc {

    private RequestPathJdbc() {
    }

    public static JdbcTemplate template(JdbcTemplate shared, Duration queryTimeout) {
        JdbcTemplate template = new JdbcTemplate(shared.getDataSource());
        template.setQueryTimeout(seconds(queryTimeout));
        return template;
    }

    public static JdbcClient client(JdbcTemplate shared, Duration queryTimeout) {
        return JdbcClient.create(template(shared, queryTimeout));
    }

    /** Whole seconds, rounded up: JDBC's {@code setQueryTimeout} takes no less, and 0 would mean no limit. */
    static int seconds(Duration timeout) {
        return (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    }
}
