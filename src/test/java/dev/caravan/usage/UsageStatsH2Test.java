package dev.caravan.usage;

/** {@link UsageStatsTest} on the embedded default, H2 in PostgreSQL mode. */
class UsageStatsH2Test extends UsageStatsTest {
}
