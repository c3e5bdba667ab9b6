package dev.caravan.controlplane;

import dev.caravan.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The request path's statement timeout, on the PostgreSQL of this machine: a slow read is cancelled, not waited on. */
class RequestPathJdbcPostgresTest {

    @Test
    void a_read_slower_than_the_query_timeout_is_cancelled_at_it() {
        JdbcTemplate shared = new JdbcTemplate(new DriverManagerDataSource(TestPostgres.URL, TestPostgres.USER, ""));
        JdbcTemplate requestPath = RequestPathJdbc.template(shared, Duration.ofSeconds(1));

        long started = System.nanoTime();
        assertThatThrownBy(() -> requestPath.queryForObject("SELECT pg_sleep(10)", String.class))
                .isInstanceOf(QueryTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        // the shared template, which writes usage batches and runs reports, keeps no limit of its own
        assertThat(shared.getQueryTimeout()).isEqualTo(-1);
    }

    @ParameterizedTest
    @CsvSource({"PT0.001S, 1", "PT0.5S, 1", "PT1S, 1", "PT1.001S, 2", "PT2S, 2"})
    void the_timeout_is_whole_seconds_rounded_up_and_never_zero(Duration timeout, int seconds) {
        assertThat(RequestPathJdbc.seconds(timeout)).isEqualTo(seconds);
    }
}
