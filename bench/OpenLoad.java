import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load generator for latency at a fixed request rate: request i is due at start + i / rate, whether or not
 * earlier requests have answered, and its latency runs from that due time to the last byte of the response (so a
 * stalled server is charged for the requests it held up: no coordinated omission). Non-streamed chat completions.
 *
 * <pre>
 * java bench/OpenLoad.java --url http://127.0.0.1:8080/v1/chat/completions --key K --model openai/gpt-5 \
 *     --rate 500 --duration-s 10 --warmup-s 2
 * </pre>
 *
 * Prints one line: {@code OPENLOAD rate=.. sent=.. ok=.. errors=.. p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=..
 * late_sends=..}; error samples go to stderr. Exits 0 even when requests failed: the caller reads the counts.
 */
public final class OpenLoad {

    public static void main(String[] args) throws Exception {
        String url = null;
        String key = "bench";
        String model = "openai/gpt-5";
        double rate = 500;
        double durationS = 10;
        double warmupS = 2;
        double drainS = 10;
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
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        String body = "{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello in one short sentence.\"}]}";
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(2, r -> {
                    Thread t = new Thread(r, "openload-callback");
                    t.setDaemon(true);
                    return t;
                }))
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();

        int warmup = (int) Math.round(rate * warmupS);
        int measured = (int) Math.round(rate * durationS);
        int total = warmup + measured;
        long periodNs = (long) (1_000_000_000L / rate);
        long[] latencyNs = new long[measured];
        Arrays.fill(latencyNs, -1);
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger errorSamples = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        int late = 0;

        long start = System.nanoTime() + 50_000_000L;
        for (int i = 0; i < total; i++) {
            long due = start + i * periodNs;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            if (now - due > 1_000_000L) {
                late++;
            }
            int index = i - warmup;
            client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((resp, ex) -> {
                long end = System.nanoTime();
                boolean ok = ex == null && resp.statusCode() == 200;
                if (index >= 0) {
                    if (ok) {
                        latencyNs[index] = end - due;
                    } else {
                        errors.incrementAndGet();
                    }
                }
                if (!ok && errorSamples.incrementAndGet() <= 5) {
                    System.err.println("openload error: " + (ex != null ? ex : "HTTP " + resp.statusCode() + " "
                            + new String(resp.body(), java.nio.charset.StandardCharsets.UTF_8)));
                }
                done.countDown();
            });
        }
        boolean drained = done.await((long) (drainS * 1000), TimeUnit.MILLISECONDS);
        long[] ok = Arrays.stream(latencyNs).filter(v -> v >= 0).sorted().toArray();
        int unanswered = drained ? 0 : (int) (measured - ok.length - errors.get());
        int errorCount = errors.get() + Math.max(0, unanswered);
        System.out.println(String.format(Locale.ROOT,
                "OPENLOAD rate=%.0f sent=%d ok=%d errors=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d "
                        + "late_sends=%d",
                rate, measured, ok.length, errorCount, pct(ok, 50), pct(ok, 90), pct(ok, 99), pct(ok, 99.9),
                ok.length == 0 ? -1 : ok[ok.length - 1] / 1000, late));
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
}
