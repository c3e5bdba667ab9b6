package dev.caravan.usage;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
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
 */
@Validated
@ConfigurationProperties("caravan.usage")
public record UsageProperties(
        @Min(1) @DefaultValue("100000") int queueSize,
        @Min(1) @DefaultValue("500") int batchSize,
        @NotNull @DurationMax(seconds = 30) @DefaultValue("1s") Duration batchInterval,
        @Min(0) @DefaultValue("3") int retries,
        @NotNull @DefaultValue("200") Duration retryDelay,
        @Valid @NotNull @DefaultValue Spool spool) {

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
}
