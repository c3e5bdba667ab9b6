package dev.caravan.usage;

import dev.caravan.testing.TestGateway;
import dev.caravan.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;

import java.sql.Connection;
import java.sql.SQLException;

/** {@link UsageShutdownTest} on the PostgreSQL on this machine, in a schema of its own. */
class UsageShutdownPostgresTest extends UsageShutdownTest {

    private final String schema = TestPostgres.newSchema("usage");

    @Override
    TestGateway database(TestGateway gateway) {
        return gateway.postgres(schema);
    }

    @Override
    Connection reopen() throws SQLException {
        return TestPostgres.connect(schema);
    }

    @AfterEach
    void dropSchema() throws SQLException {
        TestPostgres.drop(schema);
    }
}
