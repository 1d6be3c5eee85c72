package io.gatekit.transport;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
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
 * <p>Concurrency: the stream is guarded by {@code lock}: direct writes, their flushes, the writer thread's batches
 * and the final close all hold it. The queue is a blocking queue; {@code closed} is volatile.
 */
public final class LineWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LineWriter.class);
    private static final byte[] POISON = new byte[0];
    private static final int MAX_BATCH = 256;

    /** Writers this reader thread wrote to directly since its last flush; null on other threads. */
    private static final ThreadLocal<List<LineWriter>> DIRTY = new ThreadLocal<>();

    @GuardedBy("lock")
    private final OutputStream out;
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private final String name;
    private final BlockingQueue<byte[]> queue;
    private final Thread thread;
    private final Consumer<IOException> onFailure;
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
        if (closed) {
            return false;
        }
        List<LineWriter> dirty = DIRTY.get();
        if (dirty != null && queued.get() == 0) {
            lock.lock();
            try {
                // Checked again under the lock: a frame still counted here was queued earlier (perhaps by this
                // very thread) and is not written yet; writing past it would reorder this thread's frames.
                if (queued.get() == 0) {
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
                lock.unlock();
            }
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
                writer.out.flush();
            } catch (IOException e) {
                writer.fail(e);
            } finally {
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
                lock.lock();
                try {
                    for (byte[] frame : batch) {
                        if (isPoison(frame)) {
                            stop = true;
                            break;
                        }
                        out.write(frame);
                        out.write('\n');
                        written++;
                    }
                    out.flush();
                    queued.addAndGet(-written);
                } finally {
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
