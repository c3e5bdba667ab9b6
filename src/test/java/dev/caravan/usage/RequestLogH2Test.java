package dev.caravan.usage;

/** {@link RequestLogTest} on the embedded default, H2 in PostgreSQL mode. */
class RequestLogH2Test extends RequestLogTest {
}
