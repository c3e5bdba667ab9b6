package dev.caravan.usage;

/** {@link UsageWritingTest} on the embedded default, H2 in PostgreSQL mode. */
class UsageWritingH2Test extends UsageWritingTest {
}
