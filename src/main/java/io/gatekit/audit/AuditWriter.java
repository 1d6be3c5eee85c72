package io.gatekit.audit;

import io.gatekit.plugins.AuditEvent;
import io.gatekit.plugins.SharedResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one audit file for every plugin entry that names it (ADR 0016). {@link #submit} never blocks: it puts the
 * event, with the format of the entry that recorded it, in a bounded queue and returns. One platform thread drains
 * the queue in batches: it formats each event (so the request path pays for neither formatting nor I/O), writes
 * whole lines, rotates the file by size and flushes once per batch.
 *
 * <p>When the queue is full the event is dropped and counted: the caller's thread logs a warning at most once per
 * {@link #WARN_INTERVAL_NANOS}, and the writer thread writes the layout's dropped marker (with the count) after the
 * next batch it drains, so the file says where records are missing. Records lost to a write
 * failure are counted the same way. {@link #close} writes everything queued, flushes and closes the file.
 *
 * <p>Concurrency: any thread submits; the queue is a {@link LinkedBlockingQueue}; the counters are atomics. Only
 * the writer thread touches the file and calls formats. {@code closed} is set once, by {@link #close}.
 */
public final class AuditWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);
    /** How often, at most, a full queue is reported in the gateway's log. */
    static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_BATCH = 1024;
    /** How long {@link #close} waits for the writer to finish (a hung file system must not hang shutdown). */
    private static final long CLOSE_TIMEOUT_SECONDS = 30;
    private static final Object STOP = new Object();

    /** The options of one audit file; the first entry that opens the file sets them. */
    public record Settings(long maxBytes, int backupCount, int queueCapacity) {
        public Settings {
            if (maxBytes <= 0 || backupCount < 0 || queueCapacity < 1) {
                throw new IllegalArgumentException("invalid audit file settings " + maxBytes + "/" + backupCount + "/"
                        + queueCapacity);
            }
        }
    }

    /** One recorded event and how the entry that recorded it writes events. */
    private record Pending(AuditEvent event, EventFormat format) {}

    /** The key an audit file is shared under: its absolute path. */
    private record Key(Path file) {}

    private final Path file;
    private final FileLayout layout;
    private final Settings settings;
    private final RotatingFile out;
    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Drops not yet marked in the file. */
    private final AtomicLong unmarked = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);
    /** When the writer thread last reported a failed write or format (it alone uses this). */
    private long lastFailureReport = System.nanoTime() - WARN_INTERVAL_NANOS;

    /**
     * Opens {@code file} for appending (creating its directories) and starts its writer thread.
     *
     * @throws UncheckedIOException when the file cannot be opened
     */
    public AuditWriter(Path file, FileLayout layout, Settings settings) {
        this.file = file;
        this.layout = layout;
        this.settings = settings;
        try {
            this.out = new RotatingFile(file, settings.maxBytes(), settings.backupCount(), layout.header());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.queue = new LinkedBlockingQueue<>(settings.queueCapacity());
        this.thread = Thread.ofPlatform().daemon().name("gatekit-audit-" + file.getFileName()).start(this::run);
    }

    /**
     * Leases the writer of {@code file} from {@code shared}, opening it when no entry holds it yet.
     *
     * @throws IllegalArgumentException when the file cannot be opened, or another entry writes it in another shape
     */
    public static SharedResources.Lease<AuditWriter> lease(SharedResources shared, Path file, FileLayout layout,
            Settings settings) {
        Path absolute = file.toAbsolutePath().normalize();
        SharedResources.Lease<AuditWriter> lease;
        try {
            lease = shared.lease(new Key(absolute), AuditWriter.class, () -> new AuditWriter(absolute, layout, settings));
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("cannot open audit file " + absolute + ": " + e.getCause(), e);
        }
        AuditWriter writer = lease.resource();
        if (!writer.layout.sameShape(layout)) {
            lease.close();
            throw new IllegalArgumentException("audit file " + absolute + " is already written as " + writer.layout.name()
                    + " by another entry; give this entry (" + layout.name() + ") its own output_file");
        }
        if (!writer.settings.equals(settings)) {
            log.warn("audit file {} is shared by entries with different file options; those of the entry that opened it"
                    + " apply ({})", absolute, writer.settings);
        }
        return lease;
    }

    public Path file() {
        return file;
    }

    /**
     * Queues {@code event} to be written in {@code format}; never blocks. Returns false when it was dropped (the
     * queue is full, or the writer is closed).
     */
    public boolean submit(AuditEvent event, EventFormat format) {
        if (closed.get()) {
            return false;
        }
        if (queue.offer(new Pending(event, format))) {
            return true;
        }
        long total = dropped.incrementAndGet();
        unmarked.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARN_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
            log.warn("audit file {}: the writer is behind and its queue of {} records is full; {} records dropped so far"
                    + " (the file marks the gap with an AUDIT_DROPPED record)", file, settings.queueCapacity(), total);
        }
        return false;
    }

    /** Records dropped since the file was opened (a full queue, or lost to a write failure). */
    public long dropped() {
        return dropped.get();
    }

    /** How long the writer lets records gather after the first of a batch arrives. */
    private static final java.time.Duration LINGER = java.time.Duration.ofMillis(2);

    private void run() {
        List<Object> batch = new ArrayList<>(MAX_BATCH);
        boolean stopping = false;
        while (!stopping) {
            try {
                Object first = queue.take();
                batch.add(first);
                if (first != STOP) {
                    // Linger before draining: records that arrive meanwhile join this batch without waking this
                    // thread (a queue that is not empty signals nobody), so a busy gateway pays one wake-up, one
                    // write and one flush per batch instead of per record.
                    Thread.sleep(LINGER);
                }
            } catch (InterruptedException e) {
                stopping = true; // nobody interrupts this thread; if someone does, finish as on close
            }
            queue.drainTo(batch, MAX_BATCH - batch.size());
            if (batch.contains(STOP)) {
                stopping = true;
                queue.drainTo(batch); // anything that slipped in beside the stop
            }
            writeBatch(batch);
            batch.clear();
        }
        try {
            out.close();
        } catch (IOException e) {
            log.error("closing audit file {} failed: {}", file, e.toString());
        }
    }

    private void writeBatch(List<Object> batch) {
        int written = 0;
        // Drops counted before this batch was drained happened while the queue was full of records that are in
        // this batch or were written before it: the gap is marked after this batch's lines.
        long missing = unmarked.getAndSet(0);
        try {
            for (Object item : batch) {
                if (item instanceof Pending pending) {
                    byte[] line = format(pending);
                    if (line != null) {
                        out.write(line);
                    }
                    written++;
                }
            }
            if (missing > 0) {
                out.write(EventFormat.lineOf(layout.droppedMarker(Instant.now(), missing)));
            }
            out.flush();
        } catch (IOException e) {
            long lost = countPending(batch) - written;
            dropped.addAndGet(lost);
            unmarked.addAndGet(lost + missing); // the gap is marked once writing works again
            out.reset();
            long now = System.nanoTime();
            if (now - lastFailureReport >= WARN_INTERVAL_NANOS) {
                lastFailureReport = now;
                log.error("audit file {}: writing failed, {} records lost (retrying with the next ones): {}", file, lost,
                        e.toString());
            }
        }
    }

    private static long countPending(List<Object> batch) {
        return batch.stream().filter(Pending.class::isInstance).count();
    }

    private byte @Nullable [] format(Pending pending) {
        try {
            return pending.format().line(pending.event());
        } catch (RuntimeException e) {
            long now = System.nanoTime();
            if (now - lastFailureReport >= WARN_INTERVAL_NANOS) {
                lastFailureReport = now;
                log.warn("audit file {}: could not format the {} of {}; the record is left out (further failures are"
                        + " reported at most every 10 s)", file, pending.event().type(), pending.event().method(), e);
            }
            return null;
        }
    }

    /** Writes everything queued, flushes and closes the file; records submitted later are refused. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!queue.offer(STOP, CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                log.error("audit file {}: the writer did not make room to stop within {} s; records still queued are lost",
                        file, CLOSE_TIMEOUT_SECONDS);
                return;
            }
            thread.join(TimeUnit.SECONDS.toMillis(CLOSE_TIMEOUT_SECONDS));
            if (thread.isAlive()) {
                log.error("audit file {}: the writer did not finish within {} s", file, CLOSE_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "AuditWriter[" + file + "]";
    }
}
