import dev.caravan.accounting.SettledRequest;
import dev.caravan.error.ErrorKind;
import dev.caravan.metrics.RequestMetrics;
import dev.caravan.routing.AttemptRecord;
import dev.caravan.usage.UsageRecord;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CPU that Caravan's per-request metrics cost: {@link RequestMetrics#settled} (what every settled request pays when
 * {@code caravan.metrics.enabled} is on) on a Prometheus registry, over a realistic mix of label sets (3 APIs,
 * 6 models, 10 projects, answers, errors, streams, fallbacks), measured as the calling threads' own CPU time
 * (ThreadMXBean), so other work on a busy machine does not count; and one scrape's time with those series. Run by
 * bench/metrics-cost.sh against target/caravan.jar's classes:
 *
 *   java -cp 'out:BOOT-INF/classes:BOOT-INF/lib/*' MetricsCost [threads] [calls per thread]
 */
public final class MetricsCost {

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RequestMetrics metrics = new RequestMetrics(registry);
        List<SettledRequest> mix = mix();
        // warm-up: the JIT, and every label set registered before anything is measured
        run(metrics, mix, threads, calls / 2);
        long cpu = run(metrics, mix, threads, calls);
        System.out.printf("settled: %d threads x %d calls, %.0f ns CPU per request, %d series%n", threads, calls,
                (double) cpu / ((long) threads * calls), registry.getMeters().size());
        for (int i = 0; i < 20; i++) {
            registry.scrape();
        }
        long started = System.nanoTime();
        int length = 0;
        for (int i = 0; i < 50; i++) {
            length = registry.scrape().length();
        }
        System.out.printf("scrape: %.2f ms each, %d kB%n", (System.nanoTime() - started) / 50 / 1e6, length / 1024);
    }

    /** Total CPU nanoseconds the threads spent calling {@code settled}. */
    private static long run(RequestMetrics metrics, List<SettledRequest> mix, int threads, int calls)
            throws InterruptedException {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        AtomicLong cpu = new AtomicLong();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int offset = t * 7;
            Thread.ofPlatform().start(() -> {
                long before = bean.getCurrentThreadCpuTime();
                int size = mix.size();
                for (int i = 0; i < calls; i++) {
                    metrics.settled(mix.get((i + offset) % size));
                }
                cpu.addAndGet(bean.getCurrentThreadCpuTime() - before);
                done.countDown();
            });
        }
        done.await();
        return cpu.get();
    }

    private static List<SettledRequest> mix() {
        String[] apis = {"chat-completions", "messages", "responses"};
        String[][] models = {{"openai", "openai/gpt-5"}, {"openai", "openai/gpt-5-mini"},
                {"anthropic", "anthropic/claude-sonnet-4.6"}, {"anthropic", "anthropic/claude-haiku-4.5"},
                {"google", "google/gemini-2.5-flash"}, {"mistral", "mistral/mistral-large"}};
        List<SettledRequest> mix = new ArrayList<>();
        for (int i = 0; i < 997; i++) {
            String api = apis[i % apis.length];
            String[] model = models[i % models.length];
            String project = "prj_" + (i % 10);
            boolean stream = i % 2 == 0;
            boolean failed = i % 13 == 0;
            List<AttemptRecord> attempts = new ArrayList<>();
            if (i % 17 == 0) {
                attempts.add(new AttemptRecord("mistral", "mistral/mistral-large", false, 1L, 5L, 503,
                        "provider_overloaded"));
            }
            attempts.add(new AttemptRecord(model[0], model[1], !failed, 5L, 300L, failed ? 500 : 200,
                    failed ? "provider_unavailable" : null));
            UsageRecord record = new UsageRecord("gen_" + i, Instant.now(), "key_" + i, project, "user-" + i,
                    List.of("tag"), model[1], model[1], model[0], model[1], attempts, failed ? null : 1200L,
                    failed ? null : 300L, failed ? null : 400L, 0L, failed ? null : 50L, false,
                    failed ? null : new BigDecimal("0.0028"), false, stream,
                    failed ? UsageRecord.Outcome.ERROR : UsageRecord.Outcome.SUCCESS, failed ? 502 : 200,
                    failed ? "provider_unavailable" : null, failed ? null : "stop", 300L, 120L);
            mix.add(new SettledRequest(record, api, failed ? ErrorKind.UPSTREAM_UNAVAILABLE : null, 300_000_000L,
                    stream ? 120_000_000L : 0, 400_000L));
        }
        return mix;
    }
}
