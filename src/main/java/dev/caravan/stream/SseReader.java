package dev.caravan.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events from a byte stream as they arrive (no read-ahead beyond the current event), following
 * the WHATWG framing: lines end in LF, CRLF or CR; a blank line ends an event; lines starting with ':' are comments;
 * {@code id:} and {@code retry:} are ignored because no provider relies on them.
 */
public final class SseReader {

    /** Longer than any real event (a 50 MB answer comes in many); past it the provider is not speaking SSE. */
    static final int MAX_LINE = 8 * 1024 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;
    private boolean lastWasCr;

    public SseReader(InputStream in) {
        this.in = in;
    }

    /** The next event, or null at the end of the stream. A trailing event without its blank line still counts. */
    public SseEvent next() throws IOException {
        String event = null;
        StringBuilder data = null;
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        while (true) {
            int b = read();
            if (b == -1) {
                if (line.size() > 0) {
                    String text = line.toString(StandardCharsets.UTF_8);
                    if (text.startsWith("data:")) {
                        data = append(data, value(text, 5));
                    } else if (text.startsWith("event:")) {
                        event = value(text, 6);
                    }
                }
                return data == null && event == null ? null : new SseEvent(event, data == null ? "" : data.toString());
            }
            if (b == '\n' && lastWasCr) {
                lastWasCr = false;
                continue;
            }
            lastWasCr = b == '\r';
            if (b != '\n' && b != '\r') {
                if (line.size() >= MAX_LINE) {
                    throw new IOException("an event line from the provider exceeds " + MAX_LINE + " bytes");
                }
                line.write(b);
                continue;
            }
            if (line.size() == 0) {
                if (data != null || event != null) {
                    return new SseEvent(event, data == null ? "" : data.toString());
                }
                continue;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (text.startsWith("data:")) {
                data = append(data, value(text, 5));
            } else if (text.startsWith("event:")) {
                event = value(text, 6);
            }
        }
    }

    private static StringBuilder append(StringBuilder data, String value) {
        if (data == null) {
            return new StringBuilder(value);
        }
        return data.append('\n').append(value);
    }

    private static String value(String line, int from) {
        return line.length() > from && line.charAt(from) == ' ' ? line.substring(from + 1) : line.substring(from);
    }

    private int read() throws IOException {
        if (pos == limit) {
            limit = in.read(buffer, 0, buffer.length);
            pos = 0;
            if (limit <= 0) {
                limit = 0;
                return -1;
            }
        }
        return buffer[pos++] & 0xff;
    }
}
