package dev.caravan.usage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.caravan.canonical.Json;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Keeps the batches the database would not take, on disk, until it takes them again. Each batch is one JSON-lines
 * file, written under a temporary name and renamed, so a crash never leaves half a batch to replay. The spool is
 * bounded by {@code caravan.usage.spool.max-size}: a batch that would pass it is dropped and counted, with one
 * warning per episode, so a long outage cannot fill the disk or stop the gateway. {@link #replay} offers the
 * batches to the database oldest first; a batch the database refuses as invalid (not as unreachable) is moved to
 * {@code rejected/} for an operator instead of blocking the ones behind it.
 */
@Component("usageSpool")
public class UsageSpool {

    private static final Logger LOG = LoggerFactory.getLogger(UsageSpool.class);
    private static final String SUFFIX = ".jsonl";
    /** Records as the spool and the journal keep them on disk: instants as ISO text, readable by an operator. */
    static final ObjectMapper MAPPER = Json.MAPPER.copy()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final UsageStore store;
    private final Path directory;
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicBoolean replaying = new AtomicBoolean();
    private final AtomicBoolean full = new AtomicBoolean();
    private final AtomicBoolean failing = new AtomicBoolean();

    public UsageSpool(UsageStore store, UsageProperties properties) {
        this.store = store;
        this.directory = Path.of(properties.spool().directory()).toAbsolutePath();
        this.maxBytes = properties.spool().maxSize().toBytes();
        try {
            Files.createDirectories(directory);
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    if (file.getFileName().toString().endsWith(".tmp")) {
                        Files.delete(file);
                    } else if (isBatch(file)) {
                        bytes.addAndGet(Files.size(file));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the usage spool directory " + directory, e);
        }
    }

    /** The writer route's last resort: the batch failed every retry. Says why once per outage, without a trace. */
    public void spoolFailed(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failing.compareAndSet(false, true)) {
            LOG.warn("usage records cannot be written to the database ({}); spooling them to {} until it is back",
                    describe(cause), directory);
        }
        @SuppressWarnings("unchecked")
        List<UsageRecord> batch = exchange.getMessage().getBody(List.class);
        spool(batch);
    }

    /** Writes a batch to disk, or drops and counts it when the spool is full. Never throws. */
    public void spool(List<UsageRecord> batch) {
        if (batch == null || batch.isEmpty()) {
            return;
        }
        byte[] content;
        try {
            StringBuilder lines = new StringBuilder();
            for (UsageRecord record : batch) {
                lines.append(MAPPER.writeValueAsString(record)).append('\n');
            }
            content = lines.toString().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            drop(batch, "it could not be serialised");
            return;
        }
        if (bytes.addAndGet(content.length) > maxBytes) {
            bytes.addAndGet(-content.length);
            drop(batch, "the spool is full (" + maxBytes + " bytes)");
            return;
        }
        String name = "usage-%013d-%09d".formatted(System.currentTimeMillis(), sequence.incrementAndGet());
        Path temporary = directory.resolve(name + ".tmp");
        try {
            Files.write(temporary, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.DSYNC);
            Files.move(temporary, directory.resolve(name + SUFFIX), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            bytes.addAndGet(-content.length);
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // nothing more can be done for it
            }
            drop(batch, "the spool could not be written (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Offers every spooled batch to the database, oldest first; stops at the first it cannot reach. */
    public int replay() {
        if (!replaying.compareAndSet(false, true)) {
            return 0;
        }
        int replayed = 0;
        try {
            for (Path file : batches()) {
                List<UsageRecord> batch;
                try {
                    batch = read(file);
                } catch (UncheckedIOException unreadable) {
                    reject(file);
                    continue;
                }
                try {
                    store.write(batch);
                } catch (DataIntegrityViolationException invalid) {
                    reject(file);
                    continue;
                } catch (RuntimeException unreachable) {
                    LOG.debug("usage spool replay waits for the database: {}", describe(unreachable));
                    return replayed;
                }
                remove(file);
                replayed += batch.size();
            }
            if (replayed > 0) {
                LOG.info("usage database is back: {} spooled records written", replayed);
            }
            failing.set(false);
            return replayed;
        } finally {
            replaying.set(false);
        }
    }

    /** Records dropped because the spool was full or unwritable since start. */
    public long dropped() {
        return dropped.get();
    }

    /** Bytes the spool holds now. */
    public long size() {
        return bytes.get();
    }

    public Path directory() {
        return directory;
    }

    private void drop(List<UsageRecord> batch, String why) {
        long total = dropped.addAndGet(batch.size());
        if (full.compareAndSet(false, true)) {
            LOG.error("usage records are being lost: {}; {} dropped so far, next warning after the spool drains",
                    why, total);
        }
    }

    private void remove(Path file) {
        try {
            long length = Files.size(file);
            Files.delete(file);
            bytes.addAndGet(-length);
            if (bytes.get() < maxBytes / 2) {
                full.set(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void reject(Path file) {
        try {
            Path rejected = Files.createDirectories(directory.resolve("rejected"));
            long length = Files.size(file);
            Files.move(file, rejected.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            bytes.addAndGet(-length);
            LOG.error("the spooled usage batch {} cannot be read or is refused by the database as invalid; moved to {}",
                    file.getFileName(), rejected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Path> batches() {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(UsageSpool::isBatch).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<UsageRecord> read(Path file) {
        List<UsageRecord> batch = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    batch.add(MAPPER.readValue(line, UsageRecord.class));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return batch;
    }

    private static boolean isBatch(Path file) {
        return Files.isRegularFile(file) && file.getFileName().toString().endsWith(SUFFIX);
    }

    /** A failure's root cause in one line, for a log that must not carry a trace per batch. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root == null) {
            return "unknown cause";
        }
        // drivers append the statement, and PostgreSQL the offending values, on further lines
        String message = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
        return root.getClass().getSimpleName() + ": " + message;
    }
}
