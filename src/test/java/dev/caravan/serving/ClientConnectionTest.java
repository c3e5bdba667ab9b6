package dev.caravan.serving;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The header deadline's bookkeeping, one connection at a time: what the processor reports (a head read in full, the
 * connection let go) and what each sweep concludes. Accepted at 0 ms, with a 10 s deadline.
 */
class ClientConnectionTest {

    private static final long TIMEOUT = 10_000;

    sealed interface Step {
    }

    /** The processor handed a request on: its head is in. */
    record Started() implements Step {
    }

    /** The processor let go of the connection at {@code at}. */
    record Ended(long at) implements Step {
    }

    record Upgraded() implements Step {
    }

    /** A sweep at {@code now}, Tomcat having last read at {@code lastRead}: whether it cuts the connection. */
    record Look(long now, long lastRead, boolean cut) implements Step {
    }

    static Stream<Arguments> lives() {
        return Stream.of(
                Arguments.of("a connection that sends nothing is cut at the deadline from its accept",
                        List.of(new Look(9_999, 0, false), new Look(10_001, 0, true))),
                Arguments.of("a connection is cut once: closing it takes a moment, the sweep may look again",
                        List.of(new Look(10_001, 0, true), new Look(11_000, 0, false))),
                Arguments.of("a first head still trickling in is cut at the deadline however recent its last byte",
                        List.of(new Look(5_000, 5_000, false), new Look(10_001, 10_000, true))),
                Arguments.of("a request in service is never cut, however long it streams",
                        List.of(new Started(), new Look(60_000, 59_000, false), new Look(600_000, 1_000, false))),
                Arguments.of("a half-read head lets go of the processor without ending anything",
                        List.of(new Ended(3_000), new Look(10_001, 9_000, true))),
                Arguments.of("a kept-alive connection idle past the deadline is left to the idle timeout",
                        List.of(new Started(), new Ended(200), new Look(30_000, 150, false))),
                Arguments.of("a later head counts from the first look that sees its bytes, not from the last request",
                        List.of(new Started(), new Ended(200), new Look(1_000, 900, false),
                                new Look(10_999, 10_900, false), new Look(11_001, 11_000, true))),
                Arguments.of("a request served between two looks resets the clock its head was on",
                        List.of(new Look(5_000, 4_000, false), new Started(), new Ended(6_100),
                                new Look(10_500, 6_050, false), new Look(30_000, 6_050, false))),
                Arguments.of("a request started between two looks and still in service is not cut",
                        List.of(new Look(5_000, 4_000, false), new Started(), new Look(10_500, 6_000, false))),
                Arguments.of("an upgraded connection (HTTP/2, WebSocket) is never cut",
                        List.of(new Upgraded(), new Look(60_000, 59_000, false))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lives")
    void the_sweep_cuts_only_a_request_head_past_its_deadline(String name, List<Step> steps) {
        ClientConnection connection = new ClientConnection(InetAddress.getLoopbackAddress(), 0);

        for (Step step : steps) {
            switch (step) {
                case Started started -> connection.requestStarted();
                case Ended ended -> connection.requestEnded(ended.at());
                case Upgraded upgraded -> connection.upgraded();
                case Look look -> assertThat(connection.pastHeadDeadline(look.now(), look.lastRead(), TIMEOUT))
                        .as("look at %d ms", look.now()).isEqualTo(look.cut());
            }
        }
    }
}
