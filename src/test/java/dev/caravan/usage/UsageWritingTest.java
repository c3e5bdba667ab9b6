package dev.caravan.usage;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.verify;

/**
 * The usage sink and the writer route against a real database: records queued by {@link UsageSink#record} reach
 * {@code usage_records} and {@code usage_tags} in batches, a batch written twice counts once, and a database that
 * goes away loses nothing (the batches wait in the spool, then are replayed). Run on H2 and on PostgreSQL by the
 * subclasses. Batches are small and the timings short, so each behaviour shows within a second or two.
 */
@SpringBootTest(properties = {
        "caravan.usage.batch-size=50",
        "caravan.usage.batch-interval=200ms",
        "caravan.usage.retries=2",
        "caravan.usage.retry-delay=20",
        "caravan.usage.spool.replay-interval=300ms"})
abstract class UsageWritingTest {

    @Autowired
    UsageSink sink;
    @MockitoSpyBean
    UsageStore store;
    @Autowired
    UsageSpool spool;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void queued_records_are_written_in_batches_with_their_tags() {
        List<UsageRecord> records = IntStream.range(0, 120).mapToObj(n -> SampleRecords.numbered("batch", n)).toList();
        records.forEach(sink::record);

        await().atMost(Duration.ofSeconds(10)).until(() -> count("batch_%") == 120);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM usage_tags WHERE usage_id LIKE 'batch_%'",
                Long.class)).isEqualTo(240);
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<UsageRecord>> batches = ArgumentCaptor.forClass(List.class);
        verify(store, atLeastOnce()).write(batches.capture());
        List<List<UsageRecord>> ours = batches.getAllValues().stream()
                .filter(batch -> batch.stream().anyMatch(r -> r.id().startsWith("batch_"))).toList();
        // 120 records in batches of at most 50: at least three writes, and far fewer than one per record
        assertThat(ours).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(50));
        assertThat(ours.size()).isBetween(3, 20);
        assertThat(ours.stream().mapToInt(List::size).sum()).isEqualTo(120);
    }

    @Test
    void a_batch_written_again_neither_fails_nor_counts_twice() {
        UsageRecord a = SampleRecords.numbered("again", 1);
        UsageRecord b = SampleRecords.numbered("again", 2);
        UsageRecord c = SampleRecords.numbered("again", 3);
        store.write(List.of(a, b));

        store.write(List.of(a, b, c));
        store.write(List.of(c));

        assertThat(count("again_%")).isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM usage_tags WHERE usage_id LIKE 'again_%'",
                Long.class)).isEqualTo(6);
    }

    @Test
    void records_written_while_the_database_is_away_are_spooled_then_replayed() {
        jdbc.execute("ALTER TABLE usage_records RENAME TO usage_records_away");
        List<UsageRecord> records = IntStream.range(0, 80).mapToObj(n -> SampleRecords.numbered("outage", n)).toList();
        try {
            long started = System.nanoTime();
            records.forEach(sink::record);
            // the sink only queues: no request waits for a database that is away
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));

            await().atMost(Duration.ofSeconds(10)).until(() -> spooledRecords() == 80);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM usage_records_away WHERE id LIKE 'outage_%'",
                    Long.class)).isZero();
        } finally {
            jdbc.execute("ALTER TABLE usage_records_away RENAME TO usage_records");
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> count("outage_%") == 80);
        await().atMost(Duration.ofSeconds(5)).until(() -> spooledRecords() == 0);
        assertThat(spool.size()).isZero();
        assertThat(spool.dropped()).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM usage_tags WHERE usage_id LIKE 'outage_%'",
                Long.class)).isEqualTo(160);
    }

    private long count(String idPattern) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM usage_records WHERE id LIKE ?", Long.class, idPattern);
    }

    private long spooledRecords() throws Exception {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(spool.directory())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                lines.addAll(Files.readAllLines(file));
            }
        }
        return lines.stream().filter(line -> line.contains("\"outage_")).count();
    }
}
