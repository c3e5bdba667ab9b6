package dev.caravan.usage;

import org.junit.jupiter.api.AfterAll;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link UsageApiTest} on the PostgreSQL on this machine, in a schema of its own. */
@DirtiesContext
class UsageApiPostgresTest extends UsageApiTest {

    private static final String SCHEMA = Postgres.newSchema();

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        Postgres.register(registry, SCHEMA);
    }

    @AfterAll
    static void dropSchema() throws Exception {
        Postgres.drop(SCHEMA);
    }
}
