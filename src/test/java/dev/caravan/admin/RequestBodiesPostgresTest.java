package dev.caravan.admin;

import dev.caravan.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link RequestBodiesTest} on the PostgreSQL on this machine, in a schema of its own: the V6 migration's table. */
@DirtiesContext
class RequestBodiesPostgresTest extends RequestBodiesTest {

    private static final String SCHEMA = TestPostgres.newSchema("bodies");

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        TestPostgres.register(registry, SCHEMA);
    }

    @AfterAll
    static void dropSchema() throws Exception {
        TestPostgres.drop(SCHEMA);
    }
}
