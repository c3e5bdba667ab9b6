package dev.caravan.usage;

import org.springframework.test.context.DynamicPropertyRegistry;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The PostgreSQL on this machine (127.0.0.1:5432, trust auth, database {@code test}; {@code .ci/run} starts it). Other
 * test runs share the database, so every test class migrates and uses a schema of its own, dropped afterwards.
 */
final class Postgres {

    static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String USER = "postgres";

    private Postgres() {
    }

    static String newSchema() {
        return "usage_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static String url(String schema) {
        return URL + "?currentSchema=" + schema;
    }

    /** Points the gateway's datasource, and Flyway (which creates the schema), at the schema. */
    static void register(DynamicPropertyRegistry registry, String schema) {
        for (String[] property : properties(schema)) {
            registry.add(property[0], () -> property[1]);
        }
    }

    static String[][] properties(String schema) {
        return new String[][]{
                {"spring.datasource.url", url(schema)},
                {"spring.datasource.username", USER},
                {"spring.datasource.password", ""},
                {"spring.flyway.schemas", schema},
                {"spring.flyway.default-schema", schema}};
    }

    static void drop(String schema) throws SQLException {
        try (Connection connection = DriverManager.getConnection(URL, USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
