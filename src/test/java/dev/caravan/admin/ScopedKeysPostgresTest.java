package dev.caravan.admin;

import dev.caravan.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link ScopedKeysTest} on the PostgreSQL on this machine, in a schema of its own: the V3 migration's columns
 * (models and APIs as text, the expiry as a timestamp with time zone) read back as the scope that was issued.
 */
@DirtiesContext
class ScopedKeysPostgresTest extends ScopedKeysTest {

    private static final String SCHEMA = TestPostgres.newSchema("scoped");

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        TestPostgres.register(registry, SCHEMA);
    }

    @AfterAll
    static void dropSchema() throws Exception {
        TestPostgres.drop(SCHEMA);
    }
}
