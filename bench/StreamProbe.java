import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Streaming probe: runs {@code --total} streamed chat completions with at most {@code --concurrency} in flight (one
 * virtual thread per slot, slot starts spread over {@code --ramp-ms}), after {@code --warmup} streams whose figures
 * are dropped (they warm this JVM and its connection pool as much as the server), and for each records the time to the first
 * {@code data:} line that carries content (time to first token), the time to the end of the stream, and whether it
 * ended properly (HTTP 200 and a {@code data: [DONE]} line).
 *
 * <p>{@code --format messages} speaks Anthropic's Messages API instead ({@code POST /v1/messages}): the body has
 * {@code max_tokens}, the key goes in {@code x-api-key} with {@code anthropic-version}, the first token is the first
 * {@code content_block_delta} whose {@code text} is not empty, a proper end is the {@code message_stop} event, and an
 * {@code error} event is a failure.
 *
 * <pre>
 * java bench/StreamProbe.java --url http://127.0.0.1:8080/v1/chat/completions --key K --model openai/gpt-5 \
 *     --concurrency 50 --total 500 --warmup 100 --ramp-ms 0 --timeout-s 60 --label caravan
 * java bench/StreamProbe.java --format messages --url http://127.0.0.1:8080/v1/messages --key K \
 *     --model anthropic/claude-sonnet-4.6 --concurrency 50 --total 500 --label caravan-messages
 * </pre>
 *
 * Prints one line: {@code STREAMPROBE label=.. total=.. ok=.. errors=.. ttft_p50_us=.. ttft_p90_us=.. ttft_p99_us=..
 * ttft_max_us=.. done_p50_ms=.. done_p99_ms=.. done_max_ms=.. bytes=.. content_chars=.. wall_ms=..}; error samples go
 * to stderr. Exits 0 even when streams failed: the caller reads the counts.
 */
public final class StreamProbe {

    /** A content delta with at least one character (the role-only first chunk carries "content":""). */
    private static final Pattern CONTENT = Pattern.compile("\"content\":\"(?:[^\"\\\\]|\\\\.)");
    /** A Messages text delta with at least one character: {"type":"text_delta","text":"..."}. */
    private static final Pattern TEXT = Pattern.compile("\"text\":\"(?:[^\"\\\\]|\\\\.)");

    /**
     * What differs between the two APIs on a {@code data:} line: the first token, the proper end, an error event.
     * Quotes inside JSON strings are escaped, so the markers cannot come from the content.
     */
    private record Format(String end, Pattern content, int prefixLength, Predicate<String> done,
            Predicate<String> error) {
        static final Format CHAT = new Format("data: [DONE]", CONTENT, "\"content\":\"".length(),
                line -> line.startsWith("data: [DONE]"),
                line -> line.contains("\"error\"") && !line.contains("\"choices\""));
        static final Format MESSAGES = new Format("message_stop", TEXT, "\"text\":\"".length(),
                line -> line.contains("\"type\":\"message_stop\""), line -> line.contains("\"type\":\"error\""));
    }

    public static void main(String[] args) throws Exception {
        String url = null;
        String key = "bench";
        String model = "openai/gpt-5";
        String label = "probe";
        int concurrency = 50;
        int total = -1;
        long rampMs = 0;
        long timeoutS = 60;
        int warmup = 0;
        String format = "chat";
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--url" -> url = v;
                case "--key" -> key = v;
                case "--model" -> model = v;
                case "--label" -> label = v;
                case "--concurrency" -> concurrency = Integer.parseInt(v);
                case "--total" -> total = Integer.parseInt(v);
                case "--ramp-ms" -> rampMs = Long.parseLong(v);
                case "--timeout-s" -> timeoutS = Long.parseLong(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--format" -> format = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        if (total < 0) {
            total = concurrency;
        }
        boolean messages = switch (format) {
            case "chat" -> false;
            case "messages" -> true;
            default -> throw new IllegalArgumentException("--format is chat or messages, not " + format);
        };
        String body = "{\"model\":\"" + model + "\"," + (messages ? "\"max_tokens\":256," : "") + "\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello in one short sentence.\"}]}";
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream");
        if (messages) {
            builder.header("x-api-key", key).header("anthropic-version", "2023-06-01");
        } else {
            builder.header("Authorization", "Bearer " + key);
        }
        HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofString(body)).build();
        Format wire = messages ? Format.MESSAGES : Format.CHAT;

        long deadline = System.nanoTime() + timeoutS * 1_000_000_000L;
        if (warmup > 0) {
            Batch w = runBatch(client, request, wire, concurrency, warmup, rampMs, deadline);
            if (w.errors.get() > 0) {
                System.err.println("streamprobe: " + w.errors.get() + " of " + warmup + " warm-up streams failed");
            }
        }
        Batch b = runBatch(client, request, wire, concurrency, total, rampMs, deadline);
        long[] ttft = b.results.stream().mapToLong(r -> r[0]).sorted().toArray();
        long[] done = b.results.stream().mapToLong(r -> r[1]).sorted().toArray();
        int errorCount = b.errors.get();
        if (!b.allDone) {
            // streams still open at the deadline count as failed
            errorCount = Math.max(errorCount, total - ttft.length);
            System.err.println("streamprobe: deadline of " + timeoutS + " s reached with streams still open");
        }
        System.out.println(String.format(Locale.ROOT,
                "STREAMPROBE label=%s total=%d ok=%d errors=%d ttft_p50_us=%d ttft_p90_us=%d ttft_p99_us=%d "
                        + "ttft_max_us=%d done_p50_ms=%d done_p99_ms=%d done_max_ms=%d bytes=%d content_chars=%d "
                        + "wall_ms=%d",
                label, total, ttft.length, errorCount, div(pct(ttft, 50), 1000), div(pct(ttft, 90), 1000),
                div(pct(ttft, 99), 1000), div(max(ttft), 1000), div(pct(done, 50), 1_000_000),
                div(pct(done, 99), 1_000_000), div(max(done), 1_000_000), b.bytes.get(), b.contentChars.get(),
                b.wallMs));
        System.out.flush();
        System.exit(0);
    }

    /** What one batch of streams produced. */
    private static final class Batch {
        final ConcurrentLinkedQueue<long[]> results = new ConcurrentLinkedQueue<>();
        final AtomicInteger errors = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong contentChars = new AtomicLong();
        boolean allDone;
        long wallMs;
    }

    private static final AtomicInteger ERROR_SAMPLES = new AtomicInteger();

    private static Batch runBatch(HttpClient client, HttpRequest request, Format wire, int concurrency, int total,
            long rampMs, long deadline) throws InterruptedException {
        Batch batch = new Batch();
        ConcurrentLinkedQueue<long[]> results = batch.results;
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = batch.errors;
        AtomicInteger errorSamples = ERROR_SAMPLES;
        AtomicLong bytes = batch.bytes;
        AtomicLong contentChars = batch.contentChars;
        int slots = Math.min(concurrency, total);
        CountDownLatch finished = new CountDownLatch(slots);
        final int totalStreams = total;
        long wallStart = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < slots; s++) {
            long delayNs = slots <= 1 ? 0 : rampMs * 1_000_000L * s / slots;
            threads.add(Thread.ofVirtual().name("probe-" + s).start(() -> {
                try {
                    long due = wallStart + delayNs;
                    long now;
                    while ((now = System.nanoTime()) < due) {
                        Thread.sleep(Duration.ofNanos(due - now));
                    }
                    while (next.getAndIncrement() < totalStreams) {
                        String problem = one(client, request, wire, results, bytes, contentChars);
                        if (problem != null) {
                            errors.incrementAndGet();
                            if (errorSamples.incrementAndGet() <= 5) {
                                System.err.println("streamprobe error: " + problem);
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    finished.countDown();
                }
            }));
        }
        batch.allDone = finished.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        batch.wallMs = (System.nanoTime() - wallStart) / 1_000_000L;
        return batch;
    }

    /** One stream; returns null when it went well, else what went wrong. */
    private static String one(HttpClient client, HttpRequest request, Format wire,
            ConcurrentLinkedQueue<long[]> results, AtomicLong bytes, AtomicLong contentChars) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body();
                    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8),
                            65536)) {
                if (response.statusCode() != 200) {
                    String text = reader.lines().limit(3).reduce("", (a, b) -> a + b);
                    return "HTTP " + response.statusCode() + " " + text;
                }
                long ttft = -1;
                boolean sawDone = false;
                long n = 0;
                long chars = 0;
                String line;
                while ((line = reader.readLine()) != null) {
                    n += line.length() + 1;
                    if (!line.startsWith("data:")) {
                        continue;
                    }
                    if (wire.done().test(line)) {
                        sawDone = true;
                        continue;
                    }
                    if (wire.error().test(line)) {
                        return "error event: " + line.substring(0, Math.min(300, line.length()));
                    }
                    var m = wire.content().matcher(line);
                    if (m.find()) {
                        if (ttft < 0) {
                            ttft = System.nanoTime() - t0;
                        }
                        // approximate: the characters of the content value (escapes counted as written)
                        int startIdx = m.start() + wire.prefixLength();
                        int endIdx = line.indexOf('"', startIdx);
                        while (endIdx > 0 && line.charAt(endIdx - 1) == '\\') {
                            endIdx = line.indexOf('"', endIdx + 1);
                        }
                        if (endIdx > startIdx) {
                            chars += endIdx - startIdx;
                        }
                    }
                }
                bytes.addAndGet(n);
                contentChars.addAndGet(chars);
                if (!sawDone) {
                    return "stream ended without " + wire.end() + " after " + n + " bytes";
                }
                if (ttft < 0) {
                    return "stream carried no content";
                }
                results.add(new long[] {ttft, System.nanoTime() - t0});
                return null;
            }
        } catch (Exception e) {
            return e.toString();
        }
    }

    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Unit conversion that keeps -1 (no sample) as -1. */
    static long div(long v, long by) {
        return v < 0 ? -1 : v / by;
    }

    static long max(long[] sorted) {
        return sorted.length == 0 ? -1 : sorted[sorted.length - 1];
    }
}
