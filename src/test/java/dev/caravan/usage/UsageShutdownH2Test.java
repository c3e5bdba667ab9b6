package dev.caravan.usage;

import dev.caravan.testing.TestGateway;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** {@link UsageShutdownTest} on the default store: an H2 database in a file, as {@code bin/caravan run} uses. */
class UsageShutdownH2Test extends UsageShutdownTest {

    private String url() {
        return "jdbc:h2:file:" + directory.resolve("caravan") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH";
    }

    @Override
    TestGateway database(TestGateway gateway) {
        return gateway.set("spring.datasource.url", url());
    }

    @Override
    Connection reopen() throws SQLException {
        return DriverManager.getConnection(url(), "sa", "");
    }
}
