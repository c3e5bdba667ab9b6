import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Soak load: {@code --workers} clients (one virtual thread each) send chat completions for {@code --duration-s},
 * a share {@code --stream-share} of them streamed (to {@code --stream-model}), the rest not (to {@code --model}),
 * each worker paced so that all together send about {@code --rate} requests a second (a worker that falls behind
 * sends at once: closed loop, at most {@code --workers} in flight). A request counts as answered when it got HTTP
 * 200 and, for a stream, its {@code data: [DONE]} line; anything else is an error (its first few go to stderr).
 *
 * <pre>
 * java bench/SoakLoad.java --url http://127.0.0.1:8080/v1/chat/completions --key K --workers 50 --rate 150 \
 *     --duration-s 1800 --stream-share 0.5 --model openai/gpt-5 --stream-model mistral/mistral-large
 * </pre>
 *
 * Prints a progress line every {@code --report-s} seconds and a final one:
 * {@code SOAKLOAD sent=.. answered=.. errors=.. streamed=.. non_streamed=.. wall_ms=..}.
 */
public final class SoakLoad {

    private static final AtomicLong sent = new AtomicLong();
    private static final AtomicLong answered = new AtomicLong();
    private static final AtomicLong errors = new AtomicLong();
    private static final AtomicLong streamed = new AtomicLong();
    private static final AtomicLong errorSamples = new AtomicLong();

    public static void main(String[] args) throws Exception {
        String url = arg(args, "--url", null);
        String key = arg(args, "--key", null);
        int workers = Integer.parseInt(arg(args, "--workers", "50"));
        double rate = Double.parseDouble(arg(args, "--rate", "150"));
        long durationS = Long.parseLong(arg(args, "--duration-s", "1800"));
        double streamShare = Double.parseDouble(arg(args, "--stream-share", "0.5"));
        String model = arg(args, "--model", "openai/gpt-5");
        String streamModel = arg(args, "--stream-model", model);
        long reportS = Long.parseLong(arg(args, "--report-s", "60"));
        if (url == null || key == null) {
            System.err.println("usage: java bench/SoakLoad.java --url URL --key KEY [--workers 50] [--rate 150] "
                    + "[--duration-s 1800] [--stream-share 0.5] [--model M] [--stream-model M] [--report-s 60]");
            System.exit(2);
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(durationS).toNanos();
        long intervalNs = (long) (workers * 1e9 / rate);
        CountDownLatch done = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            long firstDue = start + intervalNs * w / workers;
            Thread.ofVirtual().start(() -> {
                try {
                    long due = firstDue;
                    while (due < end) {
                        LockSupport.parkNanos(due - System.nanoTime());
                        boolean stream = ThreadLocalRandom.current().nextDouble() < streamShare;
                        send(client, url, key, stream ? streamModel : model, stream);
                        due = Math.max(due + intervalNs, System.nanoTime());
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        Thread.ofPlatform().daemon().start(() -> {
            while (true) {
                LockSupport.parkNanos(Duration.ofSeconds(reportS).toNanos());
                System.out.println(line("SOAKLOAD-PROGRESS", start));
            }
        });
        done.await();
        System.out.println(line("SOAKLOAD", start));
    }

    private static void send(HttpClient client, String url, String key, String model, boolean stream) {
        sent.incrementAndGet();
        String body = "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about caravans, request "
                + sent.get() + ".\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String text;
            try (InputStream in = response.body()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            boolean ok = response.statusCode() == 200 && (!stream || text.contains("data: [DONE]"));
            if (ok) {
                answered.incrementAndGet();
                if (stream) {
                    streamed.incrementAndGet();
                }
            } else {
                error(response.statusCode() + " " + text.substring(0, Math.min(300, text.length())));
            }
        } catch (Exception e) {
            error(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void error(String what) {
        errors.incrementAndGet();
        if (errorSamples.incrementAndGet() <= 10) {
            System.err.println("SOAKLOAD error: " + what);
        }
    }

    private static String line(String label, long start) {
        long a = answered.get();
        return String.format(Locale.ROOT, "%s sent=%d answered=%d errors=%d streamed=%d non_streamed=%d wall_ms=%d",
                label, sent.get(), a, errors.get(), streamed.get(), a - streamed.get(),
                (System.nanoTime() - start) / 1_000_000);
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
