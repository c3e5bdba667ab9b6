package dev.caravan.stream;

import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.format.anthropic.AnthropicFormat;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream kept for a pass-through hands out every provider event once, in order, beside the chunks decoded from it:
 * events that decode to nothing (pings, block stops, message_stop) travel with {@link ChunkStream#EVENT_ONLY}, and
 * the first-event decision and the chunks routing and accounting read are those of any stream.
 */
class ChunkStreamEventsTest {

    private static byte[] fixture() throws IOException {
        try (InputStream in = ChunkStreamEventsTest.class.getResourceAsStream("/fixtures/anthropic/tool_use_parallel.sse")) {
            return in.readAllBytes();
        }
    }

    private static List<SseEvent> events(byte[] sse) throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream(sse));
        List<SseEvent> events = new ArrayList<>();
        for (SseEvent event; (event = reader.next()) != null; ) {
            events.add(event);
        }
        return events;
    }

    @Test
    void hands_out_each_provider_event_once_beside_its_chunks() throws IOException {
        byte[] sse = fixture();
        ChunkStream kept = new ChunkStream(new ByteArrayInputStream(sse), new AnthropicFormat().streamDecoder(), true);
        ChunkStream plain = new ChunkStream(new ByteArrayInputStream(sse), new AnthropicFormat().streamDecoder());
        assertThat(kept.keepsEvents()).isTrue();
        assertThat(plain.keepsEvents()).isFalse();
        assertThat(kept.awaitFirst(Duration.ofSeconds(5).toNanos())).isTrue();
        assertThat(plain.awaitFirst(Duration.ofSeconds(5).toNanos())).isTrue();

        List<SseEvent> handedOut = new ArrayList<>();
        List<ChatCompletionChunk> keptChunks = new ArrayList<>();
        for (ChatCompletionChunk chunk; (chunk = kept.next(Duration.ofSeconds(5))) != null; ) {
            if (kept.event() != null) {
                handedOut.add(kept.event());
            }
            if (chunk != ChunkStream.EVENT_ONLY) {
                keptChunks.add(chunk);
            }
        }
        List<ChatCompletionChunk> plainChunks = new ArrayList<>();
        for (ChatCompletionChunk chunk; (chunk = plain.next(Duration.ofSeconds(5))) != null; ) {
            assertThat(plain.event()).isNull();
            plainChunks.add(chunk);
        }

        assertThat(handedOut).isEqualTo(events(sse));
        assertThat(handedOut).extracting(SseEvent::event).contains("ping", "content_block_stop", "message_stop");
        // the same chunks for routing and accounting, the closing usage-only one included
        assertThat(keptChunks).extracting(ChatCompletionChunk::choices)
                .isEqualTo(plainChunks.stream().map(ChatCompletionChunk::choices).toList());
        assertThat(keptChunks.getLast().usage()).isNotNull();
        kept.close();
        plain.close();
    }
}
