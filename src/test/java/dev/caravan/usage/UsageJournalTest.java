package dev.caravan.usage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.util.unit.DataSize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * The journal on its own, with a store and a spool that record what they are given. A process killed with records
 * unconfirmed is played by copying its segments elsewhere (the bytes a kill leaves, without the lock the live
 * journal holds on them) and starting a journal there: the records come back once, a torn tail or a frame whose CRC
 * does not match is skipped, a segment is deleted once all its records are confirmed and kept otherwise.
 */
class UsageJournalTest {

    @TempDir
    Path directory;

    private final UsageStore store = mock(UsageStore.class);
    private final UsageSpool spool = mock(UsageSpool.class);
    private final List<UsageJournal> opened = new ArrayList<>();

    @AfterEach
    void closeJournals() {
        opened.forEach(UsageJournal::close);
    }

    @Test
    void records_never_confirmed_are_replayed_at_the_next_start_once_and_their_segment_deleted() throws IOException {
        UsageJournal live = journal("live", Duration.ofMinutes(1));
        List<UsageRecord> records = IntStream.range(0, 3).mapToObj(n -> SampleRecords.numbered("kill", n)).toList();
        records.forEach(live::append);
        Path left = copySegments("live", "killed").getFirst();

        journal("killed", Duration.ofMinutes(1));
        journal("killed", Duration.ofMinutes(1));

        verify(store, times(1)).write(anyList());
        verify(store).write(records);
        assertThat(left).as("replayed, then deleted").doesNotExist();
    }

    @Test
    void a_torn_tail_is_skipped_and_the_records_before_it_replayed() throws IOException {
        byte[] first = UsageJournal.frame(UsageSpool.MAPPER.writeValueAsBytes(SampleRecords.numbered("torn", 1)));
        byte[] cut = UsageJournal.frame(UsageSpool.MAPPER.writeValueAsBytes(SampleRecords.numbered("torn", 2)));
        writeSegment("torn", concat(first, Arrays.copyOf(cut, cut.length - 5)));

        journal("torn", Duration.ofMinutes(1));

        verify(store).write(List.of(SampleRecords.numbered("torn", 1)));
    }

    @Test
    void a_frame_whose_crc_does_not_match_is_skipped_and_the_frames_after_it_replayed() throws IOException {
        byte[] bad = UsageJournal.frame(UsageSpool.MAPPER.writeValueAsBytes(SampleRecords.numbered("crc", 2)));
        bad[UsageJournal.HEADER + 10] ^= 0x20;
        writeSegment("crc", concat(
                UsageJournal.frame(UsageSpool.MAPPER.writeValueAsBytes(SampleRecords.numbered("crc", 1))), bad,
                UsageJournal.frame(UsageSpool.MAPPER.writeValueAsBytes(SampleRecords.numbered("crc", 3)))));

        journal("crc", Duration.ofMinutes(1));

        verify(store).write(List.of(SampleRecords.numbered("crc", 1), SampleRecords.numbered("crc", 3)));
    }

    @Test
    void a_header_cut_short_or_zeros_end_a_segment_without_error() {
        byte[] one = UsageJournal.frame("{}".getBytes());
        assertThat(UsageJournal.read(concat(one, new byte[3])).torn()).isTrue();
        assertThat(UsageJournal.read(concat(one, new byte[64])).torn()).isTrue();
        assertThat(UsageJournal.read(new byte[0])).isEqualTo(new UsageJournal.Contents(List.of(), 0, false));
    }

    @Test
    void a_rolled_segment_is_deleted_once_every_record_in_it_is_confirmed() {
        UsageJournal journal = journal("roll", Duration.ofMillis(20));
        List<UsageRecord> records = List.of(SampleRecords.numbered("roll", 1), SampleRecords.numbered("roll", 2));
        records.forEach(journal::append);
        Path first = segments("roll").getFirst();
        await().atMost(Duration.ofSeconds(5)).until(() -> segments("roll").size() == 2);

        journal.confirm(records.subList(0, 1));
        journal.confirm(records.subList(1, 2));

        await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(first));
        assertThat(segments("roll")).hasSize(1);
    }

    @Test
    void a_segment_is_rolled_once_it_holds_segment_size_however_recent() {
        UsageJournal journal = new UsageJournal(store, spool, properties(directory.resolve("size"), true,
                Duration.ofMinutes(1), DataSize.ofBytes(1000)));
        opened.add(journal);

        IntStream.range(0, 2).forEach(n -> journal.append(SampleRecords.numbered("size", n)));

        await().atMost(Duration.ofSeconds(5)).until(() -> segments("size").size() == 2);
    }

    @Test
    void a_graceful_close_deletes_drained_segments_and_keeps_one_with_records_not_yet_stored() {
        UsageJournal drained = journal("drained", Duration.ofMinutes(1));
        drained.append(SampleRecords.numbered("drained", 1));
        drained.confirm(List.of(SampleRecords.numbered("drained", 1)));
        UsageJournal waiting = journal("waiting", Duration.ofMinutes(1));
        waiting.append(SampleRecords.numbered("waiting", 1));

        drained.close();
        waiting.close();

        assertThat(segments("drained")).isEmpty();
        assertThat(segments("waiting")).hasSize(1);
    }

    @Test
    void a_running_journal_s_segments_are_not_replayed_by_another_started_on_the_same_directory() {
        UsageJournal running = journal("shared", Duration.ofMinutes(1));
        running.append(SampleRecords.numbered("shared", 1));

        journal("shared", Duration.ofMinutes(1));

        verify(store, never()).write(anyList());
        assertThat(segments("shared")).hasSize(2);
    }

    @Test
    void records_the_database_cannot_take_at_start_go_to_the_spool_and_the_segment_is_deleted() throws IOException {
        journal("away", Duration.ofMinutes(1)).append(SampleRecords.numbered("away", 1));
        copySegments("away", "restarted");
        doThrow(new DataAccessResourceFailureException("connection refused")).when(store).write(anyList());

        journal("restarted", Duration.ofMinutes(1));

        verify(spool).spool(List.of(SampleRecords.numbered("away", 1)));
        assertThat(segments("restarted")).hasSize(1);
    }

    @Test
    void startup_fails_naming_the_setting_when_the_directory_cannot_be_written() throws IOException {
        Files.writeString(directory.resolve("a-file"), "not a directory");

        assertThatThrownBy(() -> journal("a-file", Duration.ofMinutes(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("caravan.usage.journal.directory");
    }

    @Test
    void a_disabled_journal_writes_nothing() {
        UsageJournal journal = new UsageJournal(store, spool, properties(directory.resolve("off"), false,
                Duration.ofMinutes(1)));

        journal.append(SampleRecords.numbered("off", 1));
        journal.close();

        assertThat(directory.resolve("off")).doesNotExist();
        verifyNoInteractions(store, spool);
    }

    /** The request thread's share: serialising, framing and one write(2); no fsync. */
    @Test
    void an_append_costs_microseconds_of_the_request_thread_s_cpu() {
        UsageJournal journal = journal("cost", Duration.ofMinutes(1));
        List<UsageRecord> records = IntStream.range(0, 20_000).mapToObj(n -> SampleRecords.numbered("cost", n))
                .toList();
        records.subList(0, 5_000).forEach(journal::append);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        long before = threads.getCurrentThreadCpuTime();
        records.subList(5_000, 20_000).forEach(journal::append);
        long microsEach = (threads.getCurrentThreadCpuTime() - before) / 15_000 / 1_000;

        assertThat(microsEach).isLessThan(100);
    }

    private UsageJournal journal(String name, Duration rollInterval) {
        UsageJournal journal = new UsageJournal(store, spool, properties(directory.resolve(name), true, rollInterval));
        opened.add(journal);
        return journal;
    }

    private static UsageProperties properties(Path journal, boolean enabled, Duration rollInterval) {
        return properties(journal, enabled, rollInterval, DataSize.ofMegabytes(64));
    }

    private static UsageProperties properties(Path journal, boolean enabled, Duration rollInterval,
                                              DataSize segmentSize) {
        return new UsageProperties(1000, 500, Duration.ofSeconds(1), 0, Duration.ZERO,
                new UsageProperties.Spool(journal.resolveSibling("spool").toString(), DataSize.ofMegabytes(1),
                        Duration.ofSeconds(1)),
                new UsageProperties.Journal(enabled, journal.toString(), Duration.ofMillis(5), segmentSize,
                        rollInterval));
    }

    /** The segments a kill leaves: the same bytes, with no live journal holding their locks. */
    private List<Path> copySegments(String from, String to) throws IOException {
        Path target = Files.createDirectories(directory.resolve(to));
        List<Path> copies = new ArrayList<>();
        for (Path segment : segments(from)) {
            copies.add(Files.copy(segment, target.resolve(segment.getFileName())));
        }
        return copies;
    }

    private void writeSegment(String name, byte[] content) throws IOException {
        Files.write(Files.createDirectories(directory.resolve(name)).resolve("usage-0000000000001-1-000001.journal"),
                content);
    }

    private List<Path> segments(String name) {
        try (Stream<Path> files = Files.list(directory.resolve(name))) {
            return files.filter(file -> file.toString().endsWith(".journal")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(part -> part.length).sum();
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
