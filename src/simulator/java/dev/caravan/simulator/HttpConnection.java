package dev.caravan.simulator;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One client connection: HTTP/1.1 request parsing (Content-Length and chunked bodies, keep-alive) and response
 * writing over a raw socket. Hand-rolled because the faults the simulator exists for (resets, stalls, cut streams)
 * need direct control of the socket, and because it has to stay cheap at benchmark rates.
 */
final class HttpConnection implements AutoCloseable {

    /** A parsed request; the body stays bytes because Jackson parses bytes faster than a String. */
    record Request(String method, String path, String query, Map<String, String> headers, byte[] body,
            boolean keepAlive) {
    }

    static final long FOREVER = Long.MAX_VALUE;

    private static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_BODY = 64 * 1024 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private byte[] buf = new byte[16 * 1024];
    private int pos;
    private int limit;
    private byte[] line = new byte[256];

    HttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    }

    /** The next request, or null when the client closed the connection between requests. */
    Request readRequest() throws IOException {
        String requestLine;
        do {
            requestLine = readLine();
            if (requestLine == null) {
                return null;
            }
        } while (requestLine.isEmpty());
        int sp1 = requestLine.indexOf(' ');
        int sp2 = requestLine.lastIndexOf(' ');
        if (sp1 <= 0 || sp2 <= sp1) {
            throw new IOException("malformed request line: " + requestLine);
        }
        String method = requestLine.substring(0, sp1);
        String target = requestLine.substring(sp1 + 1, sp2);
        String version = requestLine.substring(sp2 + 1);

        Map<String, String> headers = new HashMap<>();
        int headBytes = requestLine.length();
        while (true) {
            String header = readLine();
            if (header == null) {
                throw new IOException("connection closed inside the request head");
            }
            if (header.isEmpty()) {
                break;
            }
            headBytes += header.length();
            if (headBytes > MAX_HEAD) {
                throw new IOException("request head too large");
            }
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }

        String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        boolean keepAlive = "HTTP/1.1".equals(version)
                ? !connection.contains("close")
                : connection.contains("keep-alive");
        if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
            out.write(CONTINUE);
            out.flush();
        }
        String te = headers.get("transfer-encoding");
        byte[] body;
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunkedBody();
        } else {
            String cl = headers.get("content-length");
            body = readExactly(cl == null ? 0 : parseLength(cl.trim()));
        }

        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        if (path.indexOf('%') >= 0) {
            path = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        }
        return new Request(method, path, q < 0 ? null : target.substring(q + 1), headers, body, keepAlive);
    }

    private static int parseLength(String value) throws IOException {
        try {
            long n = Long.parseLong(value);
            if (n < 0 || n > MAX_BODY) {
                throw new IOException("unacceptable content-length: " + value);
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw new IOException("bad content-length: " + value, e);
        }
    }

    private byte[] readChunkedBody() throws IOException {
        byte[] body = new byte[1024];
        int size = 0;
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                throw new IOException("connection closed inside a chunked body");
            }
            int semi = sizeLine.indexOf(';');
            int chunk;
            try {
                chunk = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + sizeLine, e);
            }
            if (chunk == 0) {
                // Trailers, if any, end with an empty line.
                String trailer;
                do {
                    trailer = readLine();
                } while (trailer != null && !trailer.isEmpty());
                return java.util.Arrays.copyOf(body, size);
            }
            if (chunk < 0 || (long) size + chunk > MAX_BODY) {
                throw new IOException("chunked body too large");
            }
            if (size + chunk > body.length) {
                body = java.util.Arrays.copyOf(body, Math.max(body.length * 2, size + chunk));
            }
            readFully(body, size, chunk);
            size += chunk;
            readLine();
        }
    }

    private byte[] readExactly(int n) throws IOException {
        if (n == 0) {
            return new byte[0];
        }
        byte[] body = new byte[n];
        readFully(body, 0, n);
        return body;
    }

    private void readFully(byte[] dst, int off, int n) throws IOException {
        while (n > 0) {
            if (pos == limit && !fill()) {
                throw new IOException("connection closed inside a request body");
            }
            int take = Math.min(n, limit - pos);
            System.arraycopy(buf, pos, dst, off, take);
            pos += take;
            off += take;
            n -= take;
        }
    }

    /** A line without its CRLF (a bare LF is tolerated), or null on EOF before any byte of it. */
    private String readLine() throws IOException {
        int len = 0;
        while (true) {
            if (pos == limit && !fill()) {
                if (len == 0) {
                    return null;
                }
                throw new IOException("connection closed mid-line");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                if (len > 0 && line[len - 1] == '\r') {
                    len--;
                }
                return new String(line, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (len == line.length) {
                if (len >= MAX_HEAD) {
                    throw new IOException("line too long");
                }
                line = java.util.Arrays.copyOf(line, len * 2);
            }
            line[len++] = b;
        }
    }

    private boolean fill() throws IOException {
        if (pos == limit) {
            pos = 0;
            limit = 0;
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            return false;
        }
        limit += n;
        return true;
    }

    /**
     * Waits up to {@code ms} for the next request on a kept-alive connection, as a server with a keep-alive timeout
     * does before it closes the connection without telling the client.
     *
     * @return true if neither a byte of a next request nor the client's own close arrived in time
     */
    boolean idleFor(long ms) throws IOException {
        if (pos < limit) {
            return false;
        }
        socket.setSoTimeout((int) Math.clamp(ms, 1, Integer.MAX_VALUE));
        try {
            // an end of stream is left for readRequest() to see
            fill();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(0);
            }
        }
    }

    /**
     * Waits up to {@code ms} (or {@link #FOREVER}) while watching the socket, because a stalled or slowly paced
     * response would otherwise only learn of a departed client at its next write, if ever. Bytes that arrive meanwhile
     * (a pipelined request) are kept for {@link #readRequest()}.
     *
     * @return true if the client went away (EOF or a socket error) before the time was up
     */
    boolean clientGoneWithin(long ms) {
        long deadline = ms == FOREVER ? Long.MAX_VALUE : System.nanoTime() + ms * 1_000_000L;
        try {
            while (true) {
                long remainingNanos = deadline - System.nanoTime();
                if (ms != FOREVER && remainingNanos <= 0) {
                    return false;
                }
                // Rounded up: a timeout of 0 would mean "wait forever" to the socket.
                long remainingMs = ms == FOREVER ? 0 : (remainingNanos + 999_999L) / 1_000_000L;
                if (limit == buf.length) {
                    if (pos == 0) {
                        // No room to look further ahead; a client this chatty is not going to stall us.
                        Thread.sleep(ms == FOREVER ? 1000 : remainingMs);
                        continue;
                    }
                    System.arraycopy(buf, pos, buf, 0, limit - pos);
                    limit -= pos;
                    pos = 0;
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMs));
                try {
                    int n = in.read(buf, limit, buf.length - limit);
                    if (n < 0) {
                        return true;
                    }
                    limit += n;
                } catch (SocketTimeoutException e) {
                    return false;
                } finally {
                    if (!socket.isClosed()) {
                        socket.setSoTimeout(0);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    void writeResponse(int status, String contentType, String extraHeaders, byte[] body, boolean keepAlive)
            throws IOException {
        writeHead(status, contentType, extraHeaders, body.length, keepAlive);
        out.write(body);
        out.flush();
    }

    /** Headers promising {@code contentLength} bytes, then only {@code sent} of them, then a reset. */
    void writeTruncatedAndReset(int status, String contentType, byte[] body, int sent) throws IOException {
        writeHead(status, contentType, null, body.length, true);
        out.write(body, 0, Math.min(sent, body.length));
        out.flush();
        reset();
    }

    void startChunked(int status, String contentType) throws IOException {
        StringBuilder head = new StringBuilder(160).append("HTTP/1.1 ").append(status).append(' ')
                .append(reason(status)).append("\r\nContent-Type: ").append(contentType)
                .append("\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** One HTTP chunk, flushed at once so each SSE event reaches the client as it is produced. */
    void writeChunk(byte[] data) throws IOException {
        out.write(Integer.toHexString(data.length).getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
        out.write(data);
        out.write(CRLF);
        out.flush();
    }

    void endChunked() throws IOException {
        out.write(LAST_CHUNK);
        out.flush();
    }

    /** Linger 0 makes close() send RST instead of FIN, which is what a crashed upstream looks like. */
    void reset() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // Already closed: nothing left to reset.
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is best effort; the peer may already be gone.
        }
    }

    private void writeHead(int status, String contentType, String extraHeaders, int length, boolean keepAlive)
            throws IOException {
        StringBuilder head = new StringBuilder(160).append("HTTP/1.1 ").append(status).append(' ')
                .append(reason(status)).append("\r\nContent-Type: ").append(contentType)
                .append("\r\nContent-Length: ").append(length).append("\r\n");
        if (extraHeaders != null) {
            head.append(extraHeaders);
        }
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Payload Too Large";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 529 -> "Overloaded";
            default -> status < 500 ? "Client Error" : "Server Error";
        };
    }
}
