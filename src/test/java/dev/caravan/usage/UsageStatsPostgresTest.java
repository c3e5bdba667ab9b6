package dev.caravan.usage;

import dev.caravan.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link UsageStatsTest} on the PostgreSQL on this machine, in a schema of its own. */
@DirtiesContext
class UsageStatsPostgresTest extends UsageStatsTest {

    private static final String SCHEMA = TestPostgres.newSchema("usage_stats");

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        TestPostgres.register(registry, SCHEMA);
    }

    @AfterAll
    static void dropSchema() throws Exception {
        TestPostgres.drop(SCHEMA);
    }
}
