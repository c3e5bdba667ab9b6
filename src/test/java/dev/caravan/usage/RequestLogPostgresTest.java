package dev.caravan.usage;

import dev.caravan.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link RequestLogTest} on the PostgreSQL on this machine, in a schema of its own. */
@DirtiesContext
class RequestLogPostgresTest extends RequestLogTest {

    private static final String SCHEMA = TestPostgres.newSchema("request_log");

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        TestPostgres.register(registry, SCHEMA);
    }

    @AfterAll
    static void dropSchema() throws Exception {
        TestPostgres.drop(SCHEMA);
    }
}
