package dev.caravan.stream;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SseReaderTest {

    @Test
    void reads_events_with_any_line_ending_comments_and_several_data_lines() throws IOException {
        String sse = ": comment\r\nevent: delta\r\ndata: {\"a\":1}\r\n\r\n"
                + "data: one\rdata:two\r\rid: 7\nretry: 10\ndata: é\n\n"
                + "data: last, without its blank line";
        assertThat(events(sse, sse.length())).containsExactly(new SseEvent("delta", "{\"a\":1}"),
                SseEvent.data("one\ntwo"), SseEvent.data("é"), SseEvent.data("last, without its blank line"));
    }

    @Test
    void reads_the_same_events_when_every_byte_arrives_on_its_own() throws IOException {
        // lines, CRLF pairs and multi-byte characters split across reads
        String sse = "event: x\r\ndata: héllo wörld\r\n\r\ndata: a\r\ndata: b\r\n\r\n";
        assertThat(events(sse, 1)).containsExactly(new SseEvent("x", "héllo wörld"), SseEvent.data("a\nb"));
    }

    @Test
    void an_event_name_without_data_is_an_event_with_empty_data() throws IOException {
        assertThat(events("event: ping\n\n\n\n", 3)).containsExactly(new SseEvent("ping", ""));
    }

    @Test
    void refuses_a_line_longer_than_the_limit() {
        byte[] line = new byte[SseReader.MAX_LINE + 1];
        Arrays.fill(line, (byte) 'a');
        SseReader reader = new SseReader(new ByteArrayInputStream(line));
        assertThatThrownBy(reader::next).isInstanceOf(IOException.class).hasMessageContaining("exceeds");
    }

    private static List<SseEvent> events(String sse, int chunk) throws IOException {
        byte[] bytes = sse.getBytes(StandardCharsets.UTF_8);
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        SseReader reader = new SseReader(in);
        List<SseEvent> events = new ArrayList<>();
        SseEvent event;
        while ((event = reader.next()) != null) {
            events.add(event);
        }
        return events;
    }
}
