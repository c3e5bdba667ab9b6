package dev.caravan.usage;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Keeps every usage record on local disk from the moment it is recorded until the database has it, so that a
 * SIGKILL (or an out-of-memory kill) loses none of the records still queued in memory for the writer route.
 * <p>
 * {@link #append} writes one frame (length, CRC32, the record's JSON) with a single write(2), before the record is
 * queued and so before its request is answered. Once write(2) has returned the bytes belong to the kernel, whatever
 * then happens to the process, so a request thread never waits for the disk. A timer forces them to the disk every
 * {@code caravan.usage.journal.sync-interval}; that only matters for a crash of the machine, and only best effort
 * (a power cut loses up to one interval). The writer route calls {@link #confirm} once a batch is in the database,
 * or in the spool, which syncs its own files. A segment is closed at {@code segment-size} or after
 * {@code roll-interval}, and deleted once every record in it is confirmed. At start, the segments a dead process
 * left are replayed: the store ignores ids it already has, so a record that reached the database just before the
 * kill is not counted twice.
 */
@Component("usageJournal")
public class UsageJournal {

    private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);
    private static final String SUFFIX = ".journal";
    /** A frame's length and CRC32, an int each, before its JSON. */
    static final int HEADER = 8;
    /**
     * H2 writes a commit to its file up to half a second after it returns (its WRITE_DELAY), so a kill can undo a
     * batch the writer has confirmed: a drained segment is kept this long before it is deleted.
     */
    private static final long DELETE_GRACE_NANOS = Duration.ofSeconds(1).toNanos();

    private final boolean enabled;
    private final Path directory;
    private final long segmentSize;
    private final long rollNanos;
    private final ReentrantLock appending = new ReentrantLock();
    /** The segment each record not yet confirmed was appended to. */
    private final Map<String, Segment> unconfirmed = new ConcurrentHashMap<>();
    /** Segments no longer appended to, waiting for their last confirmation; touched by the timer thread only. */
    private final List<Segment> closed = new ArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final ScheduledExecutorService timer;
    private volatile Segment current;

    public UsageJournal(UsageStore store, UsageSpool spool, UsageProperties properties) {
        UsageProperties.Journal settings = properties.journal();
        this.enabled = settings.enabled();
        this.directory = Path.of(settings.directory()).toAbsolutePath();
        this.segmentSize = settings.segmentSize().toBytes();
        this.rollNanos = settings.rollInterval().toNanos();
        if (!enabled) {
            this.timer = null;
            return;
        }
        List<Path> leftovers;
        try {
            Files.createDirectories(directory);
            leftovers = segments();
            current = open();
        } catch (IOException e) {
            throw new IllegalStateException("caravan.usage.journal.directory " + directory
                    + " cannot be written (" + UsageSpool.describe(e) + "); make it writable, point the setting"
                    + " elsewhere, or set caravan.usage.journal.enabled=false", e);
        }
        replay(leftovers, store, spool, properties.batchSize());
        long interval = settings.syncInterval().toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("usage-journal-sync").daemon().factory());
        timer.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.NANOSECONDS);
    }

    /**
     * Appends the record before it is queued. Never throws: a record that cannot be journaled is still queued,
     * and the failure is logged once per episode.
     */
    public void append(UsageRecord record) {
        if (!enabled) {
            return;
        }
        byte[] frame;
        try {
            frame = frame(UsageSpool.MAPPER.writeValueAsBytes(record));
        } catch (IOException e) {
            fail(e);
            return;
        }
        appending.lock();
        try {
            Segment segment = current;
            segment.out.write(frame);
            segment.size += frame.length;
            segment.pending.incrementAndGet();
            segment.dirty = true;
            Segment earlier = unconfirmed.put(record.id(), segment);
            if (earlier != null) {
                // an id recorded twice is stored once: the later record's confirmation stands for both
                earlier.pending.decrementAndGet();
            }
        } catch (IOException e) {
            fail(e);
            return;
        } finally {
            appending.unlock();
        }
        if (failing.get()) {
            failing.set(false);
        }
    }

    /** These records are in the database (or the spool): their segments need not keep them. */
    public void confirm(List<UsageRecord> batch) {
        if (!enabled || batch == null) {
            return;
        }
        for (UsageRecord record : batch) {
            Segment segment = unconfirmed.remove(record.id());
            if (segment != null) {
                segment.pending.decrementAndGet();
            }
        }
    }

    /** Deletes the segments whose records are all confirmed; keeps the others, for the next start to replay. */
    @PreDestroy
    public void close() {
        if (!enabled || timer.isShutdown()) {
            return;
        }
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed.add(current);
        long kept = 0;
        for (Segment segment : closed) {
            long pending = segment.pending.get();
            if (pending == 0) {
                delete(segment);
            } else {
                kept += pending;
                release(segment);
            }
        }
        closed.clear();
        if (kept > 0) {
            LOG.warn("{} usage records are not in the database yet; they stay in {} and are replayed at the next start",
                    kept, directory);
        }
    }

    /** One frame: the payload's length, its CRC32, the payload. */
    static byte[] frame(byte[] payload) {
        return ByteBuffer.allocate(HEADER + payload.length).putInt(payload.length).putInt(crc(payload)).put(payload)
                .array();
    }

    /**
     * The records of a segment, in order. A frame whose CRC does not match (or whose JSON does not parse) is
     * skipped and counted; a frame cut short ends the segment: it is the write the kill interrupted, which never
     * returned, so its request was never answered.
     */
    static Contents read(byte[] segment) {
        ByteBuffer buffer = ByteBuffer.wrap(segment);
        List<UsageRecord> records = new ArrayList<>();
        int corrupt = 0;
        while (buffer.remaining() >= HEADER) {
            int length = buffer.getInt();
            int crc = buffer.getInt();
            if (length <= 0 || length > buffer.remaining()) {
                // zeros (a machine crash can leave a file longer than what reached the disk) end it the same way
                return new Contents(records, corrupt, true);
            }
            byte[] payload = new byte[length];
            buffer.get(payload);
            if (crc(payload) != crc) {
                corrupt++;
                continue;
            }
            try {
                records.add(UsageSpool.MAPPER.readValue(payload, UsageRecord.class));
            } catch (IOException e) {
                corrupt++;
            }
        }
        return new Contents(records, corrupt, buffer.hasRemaining());
    }

    /** What a segment held: its intact records, the frames skipped as corrupt, whether its end was torn. */
    record Contents(List<UsageRecord> records, int corrupt, boolean torn) {
    }

    private static int crc(byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(payload);
        return (int) crc.getValue();
    }

    /**
     * Writes the records of segments left by a dead process to the database, or to the spool when the database
     * cannot take them now (the spool's replay then keeps offering them), and deletes the segments. A segment
     * another running gateway holds locked is left alone.
     */
    private static void replay(List<Path> leftovers, UsageStore store, UsageSpool spool, int batchSize) {
        int replayed = 0;
        int corrupt = 0;
        int torn = 0;
        boolean reachable = true;
        for (Path file : leftovers) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileLock lock = channel.tryLock()) {
                if (lock == null) {
                    continue;
                }
                Contents contents = read(Files.readAllBytes(file));
                List<UsageRecord> records = contents.records();
                for (int from = 0; from < records.size(); from += batchSize) {
                    reachable = storeOrSpool(records.subList(from, Math.min(records.size(), from + batchSize)),
                            reachable, store, spool);
                }
                Files.delete(file);
                replayed += records.size();
                corrupt += contents.corrupt();
                torn += contents.torn() ? 1 : 0;
            } catch (OverlappingFileLockException heldInThisJvm) {
                // another gateway of this JVM (tests start several) is appending to it
            } catch (IOException e) {
                LOG.error("the usage journal segment {} cannot be replayed ({}); left for an operator", file,
                        UsageSpool.describe(e));
            }
        }
        if (replayed > 0 || corrupt > 0) {
            LOG.info("usage journal: {} records of an earlier run replayed ({} corrupt frames skipped, {} segments"
                    + " ended in a write cut short by the kill)", replayed, corrupt, torn);
        }
    }

    /** Returns whether the database took the batch: once it has not, the rest go straight to the spool. */
    private static boolean storeOrSpool(List<UsageRecord> batch, boolean reachable, UsageStore store,
                                        UsageSpool spool) {
        if (reachable) {
            try {
                store.write(batch);
                return true;
            } catch (RuntimeException e) {
                LOG.warn("the usage database cannot take the journal's records now ({}); they go to the spool",
                        UsageSpool.describe(e));
            }
        }
        spool.spool(new ArrayList<>(batch));
        return false;
    }

    /** Syncs what was appended; rolls the segment when it is due; deletes drained segments. The timer's task. */
    private void tick() {
        try {
            Segment segment = current;
            if (segment.dirty) {
                // cleared first: an append after this sets it again, and the next tick syncs that one
                segment.dirty = false;
                segment.out.getFD().sync();
            }
            long now = System.nanoTime();
            if (segment.size >= segmentSize || segment.size > 0 && now - segment.opened >= rollNanos) {
                roll(segment);
            }
            deleteDrained(now);
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void roll(Segment previous) throws IOException {
        Segment next = open();
        appending.lock();
        try {
            current = next;
        } finally {
            appending.unlock();
        }
        previous.out.getFD().sync();
        closed.add(previous);
    }

    private void deleteDrained(long now) {
        for (Iterator<Segment> segments = closed.iterator(); segments.hasNext(); ) {
            Segment segment = segments.next();
            // a closed segment gets no more appends: once its count is zero it stays zero
            if (segment.pending.get() == 0) {
                if (segment.drainedAt == 0) {
                    segment.drainedAt = now;
                } else if (now - segment.drainedAt >= DELETE_GRACE_NANOS) {
                    delete(segment);
                    segments.remove();
                }
            }
        }
    }

    /**
     * A segment file of its own: named by time, process and sequence, and created here. Two journals of one process
     * on one directory (a test, a restarted context) can pick the same name in the same millisecond: the one that
     * finds it taken takes the next sequence.
     */
    private Path newSegmentFile() throws IOException {
        for (int tries = 0; ; tries++) {
            Path file = directory.resolve("usage-%013d-%d-%06d%s".formatted(System.currentTimeMillis(),
                    ProcessHandle.current().pid(), sequence.incrementAndGet(), SUFFIX));
            try {
                return Files.createFile(file);
            } catch (FileAlreadyExistsException taken) {
                if (tries >= 100) {
                    throw taken;
                }
            }
        }
    }

    private Segment open() throws IOException {
        Path file = newSegmentFile();
        // a FileOutputStream, not a FileChannel: a request thread interrupted during a channel's write closes the
        // channel, and with it the journal, for every request after it
        FileOutputStream out = new FileOutputStream(file.toFile(), true);
        // held until the segment is deleted or the process ends, so that a gateway starting on the same directory
        // does not replay it
        FileLock lock = out.getChannel().tryLock();
        if (lock == null) {
            out.close();
            throw new IOException("the new segment " + file + " is locked by another process");
        }
        return new Segment(file, out, System.nanoTime());
    }

    private void delete(Segment segment) {
        try {
            Files.deleteIfExists(segment.file);
        } catch (IOException e) {
            fail(e);
        }
        release(segment);
    }

    private void release(Segment segment) {
        try {
            segment.out.getFD().sync();
            segment.out.close();
        } catch (IOException e) {
            fail(e);
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
    }

    private void fail(Exception e) {
        if (failing.compareAndSet(false, true)) {
            LOG.error("usage records cannot be journaled in {} ({}); they are still queued, but a kill of the"
                    + " process now would lose the ones not yet in the database", directory, UsageSpool.describe(e));
        }
    }

    private static final class Segment {
        final Path file;
        final FileOutputStream out;
        final long opened;
        /** Records appended and not yet confirmed. */
        final AtomicLong pending = new AtomicLong();
        /** Bytes appended; written under the append lock, read by the timer. */
        volatile long size;
        volatile boolean dirty;
        /** When the timer first saw it closed and drained ({@link System#nanoTime}); 0 until then. */
        long drainedAt;

        Segment(Path file, FileOutputStream out, long opened) {
            this.file = file;
            this.out = out;
            this.opened = opened;
        }
    }
}
