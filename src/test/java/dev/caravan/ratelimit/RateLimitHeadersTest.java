package dev.caravan.ratelimit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Reset times in OpenAI's format (Go durations), rounded up to the millisecond so no client retries too early. */
class RateLimitHeadersTest {

    @ParameterizedTest
    @CsvSource({
            "0, 0s",
            "1, 1ms",
            "12000000, 12ms",
            "999999999, 1s",
            "1000000000, 1s",
            "1500000000, 1.5s",
            "60000000000, 1m0s",
            "90250000000, 1m30.25s",
            "360000000000, 6m0s",
            "3600000000000, 1h0m0s",
    })
    void writes_reset_times_as_go_durations(long nanos, String header) {
        assertThat(RateLimitHeaders.duration(nanos)).isEqualTo(header);
    }
}
