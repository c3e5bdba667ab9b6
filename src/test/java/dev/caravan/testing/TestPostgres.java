package dev.caravan.testing;

import org.springframework.test.context.DynamicPropertyRegistry;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The PostgreSQL on this machine (127.0.0.1:5432, trust auth, database {@code test}; {@code .ci/run} starts it). Other
 * test runs share the database, so every test class migrates and uses a schema of its own, dropped afterwards.
 */
public final class TestPostgres {

    public static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String USER = "postgres";

    private TestPostgres() {
    }

    /** A schema name no other run uses; {@code what} says whose it is, for anyone looking at a leftover one. */
    public static String newSchema(String what) {
        return what + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static String url(String schema) {
        return URL + "?currentSchema=" + schema;
    }

    public static Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(url(schema), USER, "");
    }

    /** Points the gateway's datasource, and Flyway (which creates the schema), at the schema. */
    public static void register(DynamicPropertyRegistry registry, String schema) {
        properties(schema).forEach((name, value) -> registry.add(name, () -> value));
    }

    public static Map<String, String> properties(String schema) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spring.datasource.url", url(schema));
        properties.put("spring.datasource.username", USER);
        properties.put("spring.datasource.password", "");
        properties.put("spring.flyway.schemas", schema);
        properties.put("spring.flyway.default-schema", schema);
        return properties;
    }

    public static void drop(String schema) throws SQLException {
        try (Connection connection = DriverManager.getConnection(URL, USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
