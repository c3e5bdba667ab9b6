package dev.caravan.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events from a byte stream as they arrive (no read-ahead beyond the current event), following
 * the WHATWG framing: lines end in LF, CRLF or CR; a blank line ends an event; lines starting with ':' are comments;
 * {@code id:} and {@code retry:} are ignored because no provider relies on them. Lines are cut out of the read buffer
 * as a whole and decoded once; only a line split across two reads is copied aside first.
 */
public final class SseReader {

    /** Longer than any real event (a 50 MB answer comes in many); past it the provider is not speaking SSE. */
    static final int MAX_LINE = 8 * 1024 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;
    /** The last line ended in CR: an LF right after it belongs to the same line end. */
    private boolean lastWasCr;

    public SseReader(InputStream in) {
        this.in = in;
    }

    /** The next event, or null at the end of the stream. A trailing event without its blank line still counts. */
    public SseEvent next() throws IOException {
        String event = null;
        String data = null;
        StringBuilder lines = null;
        while (true) {
            String line = readLine();
            if (line == null || line.isEmpty()) {
                if (data != null || event != null) {
                    return new SseEvent(event, lines != null ? lines.toString() : data == null ? "" : data);
                }
                if (line == null) {
                    return null;
                }
                continue;
            }
            if (line.startsWith("data:")) {
                String value = value(line, 5);
                if (data == null) {
                    data = value;
                } else {
                    // several data lines are joined by '\n'; rare, so the single-line case builds nothing
                    if (lines == null) {
                        lines = new StringBuilder(data);
                    }
                    lines.append('\n').append(value);
                }
            } else if (line.startsWith("event:")) {
                event = value(line, 6);
            }
        }
    }

    private static String value(String line, int from) {
        return line.length() > from && line.charAt(from) == ' ' ? line.substring(from + 1) : line.substring(from);
    }

    /** The next line without its terminator; at the end of the stream the unterminated rest, then null. */
    private String readLine() throws IOException {
        ByteArrayOutputStream spill = null;
        while (true) {
            if (pos == limit && !fill()) {
                lastWasCr = false;
                return spill == null ? null : spill.toString(StandardCharsets.UTF_8);
            }
            if (lastWasCr) {
                lastWasCr = false;
                if (buffer[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            int start = pos;
            int end = start;
            while (end < limit && buffer[end] != '\n' && buffer[end] != '\r') {
                end++;
            }
            int length = end - start;
            if ((spill == null ? 0 : spill.size()) + length > MAX_LINE) {
                throw new IOException("an event line from the provider exceeds " + MAX_LINE + " bytes");
            }
            if (end < limit) {
                lastWasCr = buffer[end] == '\r';
                pos = end + 1;
                if (spill == null) {
                    return new String(buffer, start, length, StandardCharsets.UTF_8);
                }
                spill.write(buffer, start, length);
                return spill.toString(StandardCharsets.UTF_8);
            }
            // the line goes on past what has arrived: keep this part and read on
            if (spill == null) {
                spill = new ByteArrayOutputStream(Math.max(256, 2 * length));
            }
            spill.write(buffer, start, length);
            pos = limit;
        }
    }

    /** Reads what the stream has (at least one byte, blocking until then); false at its end. */
    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        pos = 0;
        limit = Math.max(n, 0);
        return n > 0;
    }
}
