package dev.caravan.usage;

/** {@link UsageApiTest} on the embedded default, H2 in PostgreSQL mode. */
class UsageApiH2Test extends UsageApiTest {
}
