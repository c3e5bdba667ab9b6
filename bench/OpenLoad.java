import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load generator for latency at a fixed request rate: request i is due at start + i / rate whether or not
 * earlier requests have been answered, and its latency runs from that due time to the last byte of its response, so
 * a server that stalls is charged for every request it held up (no coordinated omission). Sends non-streamed chat
 * completions over a pool of keep-alive HTTP/1.1 connections, one platform thread each, with a hand-rolled client
 * that costs little CPU (java.net.http's machinery was the bottleneck on a 2-CPU machine).
 *
 * <pre>
 * java bench/OpenLoad.java --url http://127.0.0.1:8080/v1/chat/completions --key K --model openai/gpt-5 \
 *     --rate 500 --duration-s 10 --warmup-s 2 [--connections 64] [--keys-file F]
 * </pre>
 *
 * With {@code --keys-file} (one credential per line), request i sends line i modulo their number instead of
 * {@code --key}: e.g. a distinct token per request, to measure what a credential costs when nothing is cached.
 *
 * Prints one line: {@code OPENLOAD rate=.. sent=.. ok=.. errors=.. p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=..
 * late_sends=..}; error samples go to stderr. Exits 0 even when requests failed: the caller reads the counts.
 */
public final class OpenLoad {

    private static final long NONE = Long.MIN_VALUE;

    public static void main(String[] args) throws Exception {
        String url = null;
        String key = "bench";
        String model = "openai/gpt-5";
        double rate = 500;
        double durationS = 10;
        double warmupS = 2;
        double drainS = 10;
        int connections = 64;
        String keysFile = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--url" -> url = v;
                case "--key" -> key = v;
                case "--model" -> model = v;
                case "--rate" -> rate = Double.parseDouble(v);
                case "--duration-s" -> durationS = Double.parseDouble(v);
                case "--warmup-s" -> warmupS = Double.parseDouble(v);
                case "--drain-s" -> drainS = Double.parseDouble(v);
                case "--connections" -> connections = Integer.parseInt(v);
                case "--keys-file" -> keysFile = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        URI uri = URI.create(url);
        String body = "{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello in one short sentence.\"}]}";
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        List<String> keys = keysFile == null ? List.of(key)
                : Files.readAllLines(Path.of(keysFile)).stream().filter(k -> !k.isBlank()).toList();
        byte[][] requests = new byte[keys.size()][];
        for (int k = 0; k < keys.size(); k++) {
            requests[k] = request(uri, keys.get(k), bodyBytes);
        }
        InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort());

        int warmup = (int) Math.round(rate * warmupS);
        int measured = (int) Math.round(rate * durationS);
        int total = warmup + measured;
        long periodNs = (long) (1_000_000_000L / rate);
        long[] latencyNs = new long[measured];
        Arrays.fill(latencyNs, NONE);
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger errorSamples = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        LinkedBlockingQueue<Integer> due = new LinkedBlockingQueue<>();
        long start = System.nanoTime() + 100_000_000L;

        for (int c = 0; c < connections; c++) {
            Thread worker = new Thread(() -> {
                Connection conn = new Connection(address);
                while (true) {
                    Integer i;
                    try {
                        i = due.take();
                    } catch (InterruptedException e) {
                        return;
                    }
                    long dueAt = start + i * periodNs;
                    String problem = conn.exchange(requests[i % requests.length]);
                    long end = System.nanoTime();
                    int index = i - warmup;
                    if (problem == null) {
                        if (index >= 0) {
                            latencyNs[index] = end - dueAt;
                        }
                    } else {
                        if (index >= 0) {
                            errors.incrementAndGet();
                        }
                        if (errorSamples.incrementAndGet() <= 5) {
                            System.err.println("openload error: " + problem);
                        }
                    }
                    completed.incrementAndGet();
                }
            }, "openload-conn-" + c);
            worker.setDaemon(true);
            worker.start();
        }

        int late = 0;
        for (int i = 0; i < total; i++) {
            long dueAt = start + i * periodNs;
            long now;
            while ((now = System.nanoTime()) < dueAt) {
                LockSupport.parkNanos(dueAt - now);
            }
            if (now - dueAt > 1_000_000L && i >= warmup) {
                late++;
            }
            due.add(i);
        }
        long drainUntil = System.nanoTime() + (long) (drainS * 1e9);
        while (completed.get() < total && System.nanoTime() < drainUntil) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        long[] ok = Arrays.stream(latencyNs).filter(v -> v != NONE).sorted().toArray();
        int errorCount = measured - ok.length; // failed plus never answered
        System.out.println(String.format(Locale.ROOT,
                "OPENLOAD rate=%.0f sent=%d ok=%d errors=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d "
                        + "late_sends=%d connections=%d",
                rate, measured, ok.length, errorCount, pct(ok, 50), pct(ok, 90), pct(ok, 99), pct(ok, 99.9),
                ok.length == 0 ? -1 : ok[ok.length - 1] / 1000, late, connections));
        System.out.flush();
        System.exit(0);
    }

    /** Nearest-rank percentile in microseconds; -1 when there is no sample. */
    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1000;
    }

    /** A whole HTTP/1.1 request: head with {@code key} as the bearer credential, then the body. */
    static byte[] request(URI uri, String key, byte[] bodyBytes) {
        String head = "POST " + uri.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Authorization: Bearer " + key + "\r\n"
                + "Content-Length: " + bodyBytes.length + "\r\n\r\n";
        byte[] request = new byte[head.length() + bodyBytes.length];
        System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, request, 0, head.length());
        System.arraycopy(bodyBytes, 0, request, head.length(), bodyBytes.length);
        return request;
    }

    /** One keep-alive connection, reopened when the server closes it; reads Content-Length and chunked bodies. */
    static final class Connection {
        private final InetSocketAddress address;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private final StringBuilder line = new StringBuilder(128);

        Connection(InetSocketAddress address) {
            this.address = address;
        }

        /** Sends the request and reads the whole response; null when it was a 200, else what went wrong. */
        String exchange(byte[] request) {
            for (int attempt = 0; attempt < 2; attempt++) {
                boolean fresh = socket == null;
                try {
                    if (socket == null) {
                        socket = new Socket();
                        socket.setTcpNoDelay(true);
                        socket.setSoTimeout(10_000);
                        socket.connect(address, 5_000);
                        in = new BufferedInputStream(socket.getInputStream(), 16384);
                        out = socket.getOutputStream();
                    }
                    out.write(request);
                    out.flush();
                    return readResponse();
                } catch (IOException e) {
                    close();
                    // a kept-alive connection the server closed meanwhile: retry once on a fresh one
                    if (fresh) {
                        return e.toString();
                    }
                }
            }
            return "connection failed twice";
        }

        private String readResponse() throws IOException {
            String status = readLine();
            if (status.isEmpty()) {
                throw new EOFException("connection closed before the status line");
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            String h;
            while (!(h = readLine()).isEmpty()) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim();
                String value = h.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                } else if (name.equalsIgnoreCase("Connection")) {
                    close = value.equalsIgnoreCase("close");
                }
            }
            if (chunked) {
                while (true) {
                    String size = readLine();
                    int semi = size.indexOf(';');
                    long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                    if (n == 0) {
                        while (!readLine().isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    skip(n);
                    readLine();
                }
            } else if (length >= 0) {
                skip(length);
            } else {
                // no length: the body runs to the end of the connection
                while (in.read() >= 0) {
                    // discard
                }
                close = true;
            }
            if (close) {
                close();
            }
            return code == 200 ? null : "HTTP " + code;
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                long s = in.skip(n);
                if (s <= 0) {
                    if (in.read() < 0) {
                        throw new EOFException("connection closed mid-body");
                    }
                    s = 1;
                }
                n -= s;
            }
        }

        private String readLine() throws IOException {
            line.setLength(0);
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    int len = line.length();
                    if (len > 0 && line.charAt(len - 1) == '\r') {
                        line.setLength(len - 1);
                    }
                    return line.toString();
                }
                line.append((char) b);
            }
            if (line.length() == 0) {
                return "";
            }
            throw new EOFException("connection closed mid-line");
        }

        private void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            socket = null;
        }
    }
}
