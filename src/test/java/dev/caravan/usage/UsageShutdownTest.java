package dev.caravan.usage;

import dev.caravan.CaravanApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A graceful shutdown loses no usage record: a gateway is started, given records, and closed at once; the database
 * it used, opened again afterwards, holds every one. Batches are made so large and so rare that nothing is written
 * before the close: only the shutdown's draining of the queue and forced completion of the partial batch can write
 * them, and only if Camel stops (and the route with it) before the datasource closes. Run on an H2 file and on
 * PostgreSQL by the subclasses.
 */
abstract class UsageShutdownTest {

    private static final int RECORDS = 5_000;

    @TempDir
    Path directory;

    /** Command-line settings pointing the gateway at the database under test. */
    abstract List<String> database();

    /** A connection to that database, opened after the gateway has gone. */
    abstract Connection reopen() throws SQLException;

    @Test
    void every_queued_record_is_written_before_the_database_closes() throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--AI_GATEWAY_API_KEY=cvn-test-shutdown-key",
                "--caravan.routes.reload-interval=0s",
                "--caravan.usage.batch-size=" + RECORDS * 2,
                "--caravan.usage.batch-interval=1h",
                "--caravan.usage.spool.directory=" + directory.resolve("spool")));
        args.addAll(database());
        ConfigurableApplicationContext gateway = new SpringApplicationBuilder(CaravanApplication.class)
                .run(args.toArray(String[]::new));
        UsageSink sink = gateway.getBean(UsageSink.class);
        for (int n = 0; n < RECORDS; n++) {
            sink.record(UsageRecords.numbered("shutdown", n));
        }
        assertThat(gateway.getBean(JdbcTemplate.class).queryForObject(
                "SELECT COUNT(*) FROM usage_records WHERE id LIKE 'shutdown_%'", Long.class))
                .as("nothing is written before the shutdown").isZero();

        gateway.close();

        try (Connection connection = reopen();
             ResultSet rs = connection.createStatement().executeQuery(
                     "SELECT COUNT(*), COUNT(DISTINCT id) FROM usage_records WHERE id LIKE 'shutdown_%'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(RECORDS);
            assertThat(rs.getLong(2)).isEqualTo(RECORDS);
        }
        try (Stream<Path> spooled = Files.list(directory.resolve("spool"))) {
            assertThat(spooled.toList()).as("written to the database, not spooled").isEmpty();
        }
    }
}
