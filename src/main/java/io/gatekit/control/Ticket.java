package io.gatekit.control;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request's place in a {@link Ceiling}'s wait queue, then the slot it was handed. No thread waits for it: the
 * request goes on when {@link #ready} completes. Closing it gives back what it holds (the place in the queue, or the
 * slot), exactly once.
 *
 * <p>Concurrency: {@code state} moves QUEUED to GRANTED (a release handed a slot over) or QUEUED to DONE (withdrawn,
 * expired) under the ceiling's monitor, and GRANTED to DONE (released) by compare-and-set from whichever thread ends
 * the request. {@code ready} is completed once, after the state change, outside the monitor.
 */
public final class Ticket implements Slot {
    static final int QUEUED = 0;
    static final int GRANTED = 1;
    static final int DONE = 2;

    private final Ceiling ceiling;
    final Object flow;
    final long deadlineNanos;
    final AtomicInteger state = new AtomicInteger(QUEUED);
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    Ticket(Ceiling ceiling, Object flow, long deadlineNanos) {
        this.ceiling = ceiling;
        this.flow = flow;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * Completes when the slot is handed over; fails with the refusal when the deadline passes first, or with a
     * {@link CancellationException} when the request is withdrawn. Completed on the ceiling's resumer, never on the
     * thread that released the slot.
     */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** The client withdrew the request (cancelled, went away): its place in the queue is freed at once. */
    public void withdraw() {
        ceiling.withdraw(this, new CancellationException("withdrawn while waiting for a slot"));
    }

    @Override
    public void close() {
        if (state.compareAndSet(GRANTED, DONE)) {
            ceiling.release();
        } else if (state.get() == QUEUED) {
            withdraw();
        }
    }

    void fail(Throwable cause) {
        ready.completeExceptionally(cause);
    }

    void resume() {
        ready.complete(null);
    }
}
