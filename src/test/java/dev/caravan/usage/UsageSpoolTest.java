package dev.caravan.usage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.util.unit.DataSize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doNothing;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The spool on its own, with a store that is reachable, away or refusing on demand: batches survive as files and
 * come back unchanged, oldest first; a full spool drops and counts instead of failing; a batch the database calls
 * invalid is set aside rather than blocking the others; a spool left by an earlier run is picked up.
 */
class UsageSpoolTest {

    @TempDir
    Path directory;

    private final UsageStore store = mock(UsageStore.class);

    private UsageSpool spool(String maxSize) {
        return new UsageSpool(store, new UsageProperties(1000, 10, Duration.ofSeconds(1), 0, Duration.ZERO,
                new UsageProperties.Spool(directory.toString(), DataSize.parse(maxSize), Duration.ofSeconds(1)),
                new UsageProperties.Journal(false, directory.resolve("journal").toString(), Duration.ofMillis(5),
                        DataSize.ofMegabytes(64), Duration.ofMinutes(1))));
    }

    @Test
    void spooled_batches_are_replayed_unchanged_oldest_first_then_removed() {
        UsageSpool spool = spool("1MB");
        List<UsageRecord> first = List.of(SampleRecords.numbered("spool", 1), SampleRecords.numbered("spool", 2));
        List<UsageRecord> second = List.of(SampleRecords.failed("spool_3", "2026-01-16T12:00:00Z", "env", "bob",
                "openai/gpt-5"));
        spool.spool(first);
        spool.spool(second);
        List<List<UsageRecord>> written = new ArrayList<>();
        doAnswer(call -> written.add(call.getArgument(0))).when(store).write(anyList());

        assertThat(spool.replay()).isEqualTo(3);

        assertThat(written).containsExactly(first, second);
        assertThat(batchFiles()).isEmpty();
        assertThat(spool.size()).isZero();
    }

    @Test
    void replay_keeps_every_batch_while_the_database_is_away() {
        UsageSpool spool = spool("1MB");
        spool.spool(List.of(SampleRecords.numbered("away", 1)));
        spool.spool(List.of(SampleRecords.numbered("away", 2)));
        doThrow(new DataAccessResourceFailureException("connection refused")).when(store).write(anyList());

        assertThat(spool.replay()).isZero();

        assertThat(batchFiles()).hasSize(2);
        assertThat(spool.size()).isPositive();
    }

    @Test
    void a_full_spool_drops_and_counts_the_batches_that_do_not_fit() {
        UsageSpool spool = spool("4KB");

        IntStream.range(0, 40).forEach(n -> spool.spool(List.of(SampleRecords.numbered("full", n))));

        long kept = batchFiles().size();
        assertThat(kept).isBetween(1L, 39L);
        assertThat(spool.dropped()).isEqualTo(40 - kept);
        assertThat(spool.size()).isLessThanOrEqualTo(4096).isEqualTo(bytesOnDisk());
    }

    @Test
    void a_batch_the_database_refuses_as_invalid_is_set_aside_and_the_rest_replayed() {
        UsageSpool spool = spool("1MB");
        spool.spool(List.of(SampleRecords.numbered("bad", 1)));
        spool.spool(List.of(SampleRecords.numbered("good", 2)));
        doThrow(new DataIntegrityViolationException("value too long")).when(store)
                .write(List.of(SampleRecords.numbered("bad", 1)));
        doNothing().when(store).write(List.of(SampleRecords.numbered("good", 2)));

        assertThat(spool.replay()).isEqualTo(1);

        assertThat(batchFiles()).isEmpty();
        assertThat(directory.resolve("rejected")).isDirectoryContaining(file -> file.toString().endsWith(".jsonl"));
    }

    @Test
    void a_spool_left_by_an_earlier_run_is_counted_and_replayed_and_half_written_files_are_removed()
            throws Exception {
        spool("1MB").spool(List.of(SampleRecords.numbered("earlier", 1)));
        Files.writeString(directory.resolve("usage-0000000000001-000000001.tmp"), "{\"id\":");

        UsageSpool restarted = spool("1MB");

        assertThat(restarted.size()).isEqualTo(bytesOnDisk()).isPositive();
        assertThat(directory.resolve("usage-0000000000001-000000001.tmp")).doesNotExist();
        assertThat(restarted.replay()).isEqualTo(1);
        verify(store).write(List.of(SampleRecords.numbered("earlier", 1)));
    }

    @Test
    void nothing_is_written_for_an_empty_batch() {
        UsageSpool spool = spool("1MB");

        spool.spool(List.of());

        assertThat(batchFiles()).isEmpty();
        assertThat(spool.replay()).isZero();
        verify(store, never()).write(anyList());
    }

    private List<Path> batchFiles() {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(".jsonl")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long bytesOnDisk() {
        return batchFiles().stream().mapToLong(f -> f.toFile().length()).sum();
    }
}
