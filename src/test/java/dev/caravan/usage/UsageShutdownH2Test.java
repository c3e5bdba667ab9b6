package dev.caravan.usage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/** {@link UsageShutdownTest} on the default store: an H2 database in a file, as {@code bin/caravan run} uses. */
class UsageShutdownH2Test extends UsageShutdownTest {

    private String url() {
        return "jdbc:h2:file:" + directory.resolve("caravan") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH";
    }

    @Override
    List<String> database() {
        return List.of("--spring.datasource.url=" + url());
    }

    @Override
    Connection reopen() throws SQLException {
        return DriverManager.getConnection(url(), "sa", "");
    }
}
