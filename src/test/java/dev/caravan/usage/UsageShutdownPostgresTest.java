package dev.caravan.usage;

import org.junit.jupiter.api.AfterEach;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/** {@link UsageShutdownTest} on the PostgreSQL on this machine, in a schema of its own. */
class UsageShutdownPostgresTest extends UsageShutdownTest {

    private final String schema = Postgres.newSchema();

    @Override
    List<String> database() {
        return Arrays.stream(Postgres.properties(schema)).map(p -> "--" + p[0] + "=" + p[1]).toList();
    }

    @Override
    Connection reopen() throws SQLException {
        return DriverManager.getConnection(Postgres.url(schema), Postgres.USER, "");
    }

    @AfterEach
    void dropSchema() throws SQLException {
        Postgres.drop(schema);
    }
}
