package dev.caravan.routing;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code x-caravan-attempts} never outgrows Tomcat's header buffer, and says how many attempts it left out. */
class AttemptsHeaderTest {

    @Test
    void attempts_that_do_not_fit_are_counted_in_a_last_omitted_entry() {
        List<String> entries = Collections.nCopies(500, "openai;status=503;ms=12;error=provider_overloaded");

        String header = RoutingMetadata.header(entries, RoutingMetadata.MAX_HEADER_CHARS);

        assertThat(header).hasSizeLessThanOrEqualTo(RoutingMetadata.MAX_HEADER_CHARS);
        int shown = header.split(", ").length - 1;
        assertThat(header).endsWith("omitted;count=" + (500 - shown));
    }

    @Test
    void a_header_that_fits_is_left_whole() {
        List<String> entries = List.of("alpha;status=503;ms=12", "beta;status=200;ms=40");

        assertThat(RoutingMetadata.header(entries, 100)).isEqualTo("alpha;status=503;ms=12, beta;status=200;ms=40");
    }
}
