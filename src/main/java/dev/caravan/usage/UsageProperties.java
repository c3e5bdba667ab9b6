package dev.caravan.usage;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How usage records travel from a request to the database ({@code caravan.usage.*}). The writer route,
 * {@code routes/shared/usage-writer.yaml}, reads the same keys as placeholders; their defaults are repeated in
 * {@code application.yaml} for it.
 *
 * @param queueSize     records waiting for the writer; when it is full a record goes straight to the spool, so a
 *                      request thread never waits for the database
 * @param batchSize     records written in one JDBC batch at most
 * @param batchInterval how often a partial batch is written: the longest a record waits in memory. At most 30s: on
 *                      a shutdown, records still queued after the partial batch was forced out wait for the next
 *                      interval, and Camel gives up waiting after {@code camel.main.shutdown-timeout} (45s)
 * @param retries       further tries of a failed batch before it is spooled
 * @param retryDelay    the wait before the first retry; each next one waits twice as long. Milliseconds as a plain
 *                      number ({@code 200}): the writer route reads it too, and Camel's redelivery delay takes no
 *                      unit
 * @param spool         the on-disk spool for batches the database would not take
 * @param journal       the local journal that keeps every record until the database has it, across a SIGKILL
 */
@Validated
@ConfigurationProperties("caravan.usage")
public record UsageProperties(
        @Min(1) @DefaultValue("100000") int queueSize,
        @Min(1) @DefaultValue("500") int batchSize,
        @NotNull @DurationMax(seconds = 30) @DefaultValue("1s") Duration batchInterval,
        @Min(0) @DefaultValue("3") int retries,
        @NotNull @DefaultValue("200") Duration retryDelay,
        @Valid @NotNull @DefaultValue Spool spool,
        @Valid @NotNull @DefaultValue Journal journal) {

    /**
     * @param directory      where spooled batches are kept, one JSON-lines file each, relative to the working
     *                       directory
     * @param maxSize        the most the spool may hold; a batch that would pass it is dropped (counted, logged once
     *                       per episode) rather than filling the disk
     * @param replayInterval how often spooled batches are offered to the database again
     */
    public record Spool(
            @NotBlank @DefaultValue("data/usage-spool") String directory,
            @NotNull @DefaultValue("100MB") DataSize maxSize,
            @NotNull @DefaultValue("10s") Duration replayInterval) {
    }

    /**
     * {@link UsageJournal}: each record is appended to a local file before it is queued, and replayed at the next
     * start when the process died before the database had it.
     *
     * @param enabled       off, a SIGKILL (or an out-of-memory kill) loses the records still queued in memory
     * @param directory     where the journal's segments are kept, relative to the working directory; it must be
     *                      writable, or the gateway does not start. Give each instance its own; a running instance
     *                      locks its segments, so one started on the same directory replays only a dead one's
     * @param syncInterval  how often what was appended is forced to the disk (fsync). A kill of the process loses
     *                      nothing whatever this is (an appended record is in the OS's page cache); a crash of the
     *                      machine or a power cut loses what was appended in the last interval at most
     * @param segmentSize   a segment is closed, and a new one started, once it holds this much; a closed segment is
     *                      deleted once the database has all its records
     * @param rollInterval  a segment with records is closed after this long even when it is smaller, so that a
     *                      quiet gateway does not keep (and replay at its next start) records long stored
     */
    public record Journal(
            @DefaultValue("true") boolean enabled,
            @NotBlank @DefaultValue("data/usage-journal") String directory,
            @NotNull @DurationMin(millis = 1) @DefaultValue("5ms") Duration syncInterval,
            @NotNull @DefaultValue("64MB") DataSize segmentSize,
            @NotNull @DurationMin(millis = 1) @DefaultValue("1m") Duration rollInterval) {
    }
}
