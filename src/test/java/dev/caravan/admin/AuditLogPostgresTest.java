package dev.caravan.admin;

import dev.caravan.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link AuditLogTest} on the PostgreSQL on this machine, in a schema of its own: the V9 table, its row comparison
 * for the cursor and the change-and-row transaction on a real database.
 */
@DirtiesContext
class AuditLogPostgresTest extends AuditLogTest {

    private static final String SCHEMA = TestPostgres.newSchema("audit");

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        TestPostgres.register(registry, SCHEMA);
    }

    @AfterAll
    static void dropSchema() throws Exception {
        TestPostgres.drop(SCHEMA);
    }
}
