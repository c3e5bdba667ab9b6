package dev.caravan.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * A {@code redis-server} of a test's own, on a free loopback port and keeping nothing on disk, for tests that stop
 * Redis or restart it empty: never the machine's shared one ({@link TestRedis}), which other test runs are using.
 */
public final class RedisServer implements AutoCloseable {

    private final int port = freePort();
    private Process process;

    /** Started and accepting connections. */
    public static RedisServer start() {
        RedisServer server = new RedisServer();
        server.startProcess();
        return server;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Killed (SIGKILL): whatever it held is gone, and its clients see their connections drop. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Killed and started again on the same port, empty: a restart of a Redis without persistence. */
    public void restartEmpty() throws InterruptedException {
        kill();
        startProcess();
    }

    /** Started again on the same port after {@link #kill()}, empty. */
    public void startAgain() {
        startProcess();
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    private void startProcess() {
        try {
            process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server could not be started (is it installed?)", e);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
