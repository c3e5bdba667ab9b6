package dev.caravan.routing;

import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.stream.SseEvent;
import dev.caravan.stream.StreamDecoder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A provider's error event inside a stream reaches the client without the credential it was called with. */
class RedactingDecoderTest {

    private static final String KEY = "sk-byok-test-quoted-in-a-stream-0123456789";

    @Test
    void cuts_the_credential_out_of_an_error_event() {
        StreamDecoder quoting = new StreamDecoder() {
            @Override
            public List<ChatCompletionChunk> decode(SseEvent event) {
                throw new GatewayException(ErrorKind.UPSTREAM_OVERLOADED, "anthropic: overloaded for key " + KEY,
                        null, "anthropic", null);
            }

            @Override
            public List<ChatCompletionChunk> finish() {
                return List.of();
            }
        };

        assertThatThrownBy(() -> UpstreamCall.redacting(quoting, KEY).decode(null))
                .isInstanceOfSatisfying(GatewayException.class, e -> org.assertj.core.api.Assertions
                        .assertThat(e.getMessage()).doesNotContain(KEY).endsWith("[credential]")
                        .startsWith("anthropic: overloaded"));
    }
}
