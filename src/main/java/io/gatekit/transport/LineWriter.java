package io.gatekit.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes newline-terminated frames to a stream from one platform thread (a write blocked on a full pipe must
 * not pin a virtual thread's carrier). Many threads enqueue; the writer drains
 * everything queued, writes it, and flushes once per batch, so under load one syscall carries many messages
 * while a lone message still goes out at once. Frames are never interleaved. Thread-safe.
 */
public final class LineWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LineWriter.class);
    private static final byte[] POISON = new byte[0];
    private static final int MAX_BATCH = 256;

    private final OutputStream out;
    private final String name;
    private final BlockingQueue<byte[]> queue;
    private final Thread thread;
    private final Consumer<IOException> onFailure;
    private volatile boolean closed;

    /**
     * @param capacity frames that may wait before {@link #write} blocks its caller (back-pressure on a peer
     *     that stops reading)
     */
    public LineWriter(OutputStream out, String name, int capacity, Consumer<IOException> onFailure) {
        this.out = out;
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
        try {
            queue.put(frame);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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
                for (byte[] frame : batch) {
                    if (frame == POISON) {
                        stop = true;
                        break;
                    }
                    out.write(frame);
                    out.write('\n');
                }
                batch.clear();
                out.flush();
                if (stop) {
                    return;
                }
            }
        } catch (IOException e) {
            closed = true;
            queue.clear();
            log.debug("writer {} failed: {}", name, e.toString());
            onFailure.accept(e);
        } catch (InterruptedException e) {
            closed = true;
        } finally {
            try {
                out.close();
            } catch (IOException ignored) {
                // the peer is gone; nothing more to tell it
            }
        }
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

    /** Waits for the writer thread to end (after close or failure). */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return thread.join(java.time.Duration.ofNanos(unit.toNanos(timeout)));
    }
}
