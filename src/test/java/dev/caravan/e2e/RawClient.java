package dev.caravan.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A socket from a chosen loopback address, with a virtual thread that reads whatever the server sends. */
final class RawClient {

    private final Socket socket = new Socket();
    private final long openedAt = System.nanoTime();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile long closedAt;
    private volatile int writes;

    RawClient(InetAddress from, int port) throws IOException {
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        InputStream in = socket.getInputStream();
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    synchronized (received) {
                        received.write(buffer, 0, n);
                    }
                }
            } catch (IOException reset) {
                // a server that closes with unread bytes resets the connection: closed all the same
            } finally {
                closedAt = System.nanoTime();
            }
        });
    }

    void send(String text) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            writes++;
        } catch (IOException closed) {
            // the server cut it; the reader records when
        }
    }

    boolean closed() {
        return closedAt != 0;
    }

    Duration lived() {
        return Duration.ofNanos(closedAt - openedAt);
    }

    int writes() {
        return writes;
    }

    String received() {
        synchronized (received) {
            return received.toString(StandardCharsets.US_ASCII);
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket the server already closed
        }
    }
}
