package io.gatekit.transport;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes newline-terminated frames to a stream. Frames are never interleaved. Thread-safe. Two ways in:
 * <ul>
 *   <li>Reader threads of other connections (the hot path: a request read from a client goes straight to its
 *       upstream, a response read from an upstream straight to its client) write directly into the buffer
 *       under a lock and flush just before they next block on their own input ({@link #flushDirectWrites}),
 *       so one syscall carries everything one input read produced and no thread hand-off is needed.</li>
 *   <li>Everyone else (virtual threads answering requests) enqueues; a platform writer thread drains the
 *       queue and flushes once per batch. A write blocked on a full pipe must not pin a virtual thread's
 *       carrier, hence the platform thread.</li>
 * </ul>
 *
 * <p>A peer that stops reading: without a {@link SlowReaderLimit}, writers block once {@code capacity} frames wait
 * (back-pressure). With one, nobody blocks: a frame that would take the bytes waiting past the limit, or any frame
 * while a write has been stuck longer than the limit's stall, gives the peer up. The writer closes, logs why, drops
 * what waits, closes the stream (which frees a thread stuck writing to a socket) and reports a
 * {@link SlowReaderException} to {@code onFailure}, whose owner drops the peer.
 *
 * <p>Concurrency: the stream is guarded by {@code lock}: direct writes, their flushes, the writer thread's batches
 * and the final close all hold it. The queue is a blocking queue; {@code closed}, {@code writingSince} are volatile,
 * {@code queuedBytes} atomic.
 */
public final class LineWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LineWriter.class);
    private static final byte[] POISON = new byte[0];
    private static final int MAX_BATCH = 256;
    private static final long NOT_WRITING = Long.MIN_VALUE;

    /** The peer was given up on because it stopped reading (see the class comment). */
    public static final class SlowReaderException extends IOException {
        private static final long serialVersionUID = 1L;

        SlowReaderException(String message) {
            super(message);
        }
    }

    /** Writers this reader thread wrote to directly since its last flush; null on other threads. */
    private static final ThreadLocal<List<LineWriter>> DIRTY = new ThreadLocal<>();

    @GuardedBy("lock")
    private final OutputStream out;
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private final String name;
    private final BlockingQueue<byte[]> queue;
    private final Thread thread;
    private final Consumer<IOException> onFailure;
    private final @Nullable SlowReaderLimit limit;
    /** The stream under the buffer: closed without the lock to free a thread stuck writing to a peer given up on. */
    private final OutputStream raw;
    /** Bytes of the frames in the queue (kept only with a limit). */
    private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();
    /** When the write to the stream in progress began (System.nanoTime), NOT_WRITING when none is; only with a limit. */
    private volatile long writingSince = NOT_WRITING;
    private final java.util.concurrent.atomic.AtomicBoolean givenUp = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;
    /**
     * Frames queued and not yet written out. The queue alone cannot say this: the writer thread takes a batch
     * off it before it gets the lock to write it, and a direct write in that gap would overtake the batch.
     */
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param capacity frames that may wait before {@link #write} blocks its caller (back-pressure on a peer
     *     that stops reading)
     */
    public LineWriter(OutputStream out, String name, int capacity, Consumer<IOException> onFailure) {
        this(out, name, capacity, null, onFailure);
    }

    /**
     * @param limit what a peer that stops reading may cost before it is given up on; null to block writers instead
     */
    public LineWriter(OutputStream out, String name, int capacity, @Nullable SlowReaderLimit limit,
            Consumer<IOException> onFailure) {
        this.raw = out;
        this.limit = limit;
        this.out = new java.io.BufferedOutputStream(out, 1 << 16);
        this.name = name;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.onFailure = onFailure;
        this.thread = Thread.ofPlatform().daemon().name("gatekit-writer-" + name).start(this::run);
    }

    /**
     * Queues one frame (without its newline). Returns false when the writer is closed or broken, so the caller
     * can report the message as undeliverable. Blocks while the queue is full.
     */
    public boolean write(byte[] frame) {
        if (closed || (limit != null && !withinLimit(frame.length + 1L))) {
            return false;
        }
        List<LineWriter> dirty = DIRTY.get();
        // With a limit, a write already in progress may be stuck on the peer: queue behind it rather than wait.
        if (dirty != null && queued.get() == 0 && (limit == null || writingSince == NOT_WRITING)) {
            lock.lock();
            try {
                // Checked again under the lock: a frame still counted here was queued earlier (perhaps by this
                // very thread) and is not written yet; writing past it would reorder this thread's frames.
                if (queued.get() == 0) {
                    startWriting();
                    out.write(frame);
                    out.write('\n');
                    if (!dirtyFor(dirty)) {
                        dirty.add(this);
                    }
                    return true;
                }
            } catch (IOException e) {
                fail(e);
                return false;
            } finally {
                stopWriting();
                lock.unlock();
            }
        }
        if (limit != null) {
            queuedBytes.addAndGet(frame.length + 1L);
            queued.incrementAndGet();
            if (!queue.offer(frame)) {
                queued.decrementAndGet();
                giveUp(queue.size() + " messages waiting for it");
                return false;
            }
            return true;
        }
        try {
            queued.incrementAndGet();
            queue.put(frame);
            return true;
        } catch (InterruptedException e) {
            queued.decrementAndGet();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the peer is still worth writing to; gives it up otherwise. Only with a limit. */
    private boolean withinLimit(long adding) {
        SlowReaderLimit bound = java.util.Objects.requireNonNull(limit);
        long since = writingSince;
        if (since != NOT_WRITING && System.nanoTime() - since > bound.maxStall().toNanos()) {
            giveUp("a write to it has not moved for over " + bound.maxStall().toSeconds() + " s");
            return false;
        }
        long waiting = queuedBytes.get();
        if (waiting + adding > bound.maxQueuedBytes()) {
            giveUp(waiting + " bytes waiting for it, limit " + bound.maxQueuedBytes());
            return false;
        }
        return true;
    }

    private void startWriting() {
        if (limit != null) {
            writingSince = System.nanoTime();
        }
    }

    private void stopWriting() {
        if (limit != null) {
            writingSince = NOT_WRITING;
        }
    }

    /** The peer stopped reading: see the class comment. Runs once. */
    private void giveUp(String why) {
        if (closed || !givenUp.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        log.warn("{} stopped reading ({}): giving it up", name, why);
        queue.clear();
        queuedBytes.set(0);
        queue.offer(POISON);
        try {
            raw.close();
        } catch (IOException ignored) {
            // it is being given up on; a failed close changes nothing
        }
        onFailure.accept(new SlowReaderException(name + " stopped reading: " + why));
    }

    private boolean dirtyFor(List<LineWriter> dirty) {
        for (int i = 0; i < dirty.size(); i++) {
            if (dirty.get(i) == this) {
                return true;
            }
        }
        return false;
    }

    /** Makes the calling thread (a connection's reader) write directly; see the class comment. */
    static void enableDirectWrites() {
        DIRTY.set(new ArrayList<>(4));
    }

    /** Makes the calling thread write directly unless it already does (keeping what it has yet to flush). */
    static void enableDirectWritesOnce() {
        if (DIRTY.get() == null) {
            enableDirectWrites();
        }
    }

    /** Makes the calling thread enqueue again, as every thread but a connection's reader does. */
    static void disableDirectWrites() {
        DIRTY.remove();
    }

    /** Flushes what the calling reader thread wrote directly; called before it blocks on input. */
    public static void flushDirectWrites() {
        List<LineWriter> dirty = DIRTY.get();
        if (dirty == null || dirty.isEmpty()) {
            return;
        }
        for (LineWriter writer : dirty) {
            writer.lock.lock();
            try {
                writer.startWriting();
                writer.out.flush();
            } catch (IOException e) {
                writer.fail(e);
            } finally {
                writer.stopWriting();
                writer.lock.unlock();
            }
        }
        dirty.clear();
    }

    private void fail(IOException e) {
        if (!closed) {
            closed = true;
            log.debug("writer {} failed: {}", name, e.toString());
            onFailure.accept(e);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    private void run() {
        List<byte[]> batch = new ArrayList<>(MAX_BATCH);
        try {
            while (true) {
                byte[] first = queue.take();
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                boolean stop = false;
                int written = 0;
                long bytes = 0;
                lock.lock();
                try {
                    startWriting();
                    for (byte[] frame : batch) {
                        if (isPoison(frame)) {
                            stop = true;
                            break;
                        }
                        out.write(frame);
                        out.write('\n');
                        written++;
                        bytes += frame.length + 1L;
                    }
                    out.flush();
                    queued.addAndGet(-written);
                    if (limit != null) {
                        queuedBytes.addAndGet(-bytes);
                    }
                } finally {
                    stopWriting();
                    lock.unlock();
                }
                batch.clear();
                if (stop) {
                    return;
                }
            }
        } catch (IOException e) {
            queue.clear();
            fail(e);
        } catch (InterruptedException e) {
            closed = true;
        } finally {
            // Under the lock: a reader thread may be writing directly at this moment.
            lock.lock();
            try {
                out.close();
            } catch (IOException ignored) {
                // the peer is gone; nothing more to tell it
            } finally {
                lock.unlock();
            }
        }
    }

    /** Identity on purpose: an empty frame someone queued is data, only this one array means stop. */
    @SuppressWarnings("ReferenceEquality")
    private static boolean isPoison(byte[] frame) {
        return frame == POISON;
    }

    /** Writes what is queued, then closes the stream; waits up to a second for the flush. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!queue.offer(POISON)) {
            thread.interrupt();
        }
        try {
            if (!thread.join(java.time.Duration.ofSeconds(1))) {
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
