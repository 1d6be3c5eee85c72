package io.gatekit.control;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;

/**
 * An in-flight ceiling (an upstream's {@code max_in_flight}, or one tool's) with a bounded, fair wait queue in front
 * of it (ADR 0018). While a slot is free and nobody waits, admitting is one {@code tryAcquire}, as before queues
 * existed. Over the ceiling a request takes a {@link Ticket} in the {@link FairQueue} (per-client FIFOs served in
 * weighted round robin) unless {@code maxQueued} wait already; a released slot goes to the next ticket in fair order,
 * whose request then goes on; a ticket whose deadline passes is refused ({@code deadline_exceeded}).
 *
 * <p>Concurrency: the slots are a semaphore (lock-free); the queue is guarded by this object's monitor, taken only
 * over the ceiling. {@code queued} mirrors the queue's size in a volatile field, so the fast path can see, without the
 * monitor, that someone waits and leave the free slot to them. No slot is stranded while a ticket waits: a releaser
 * returns its slot to the semaphore and then reads {@code queued}; a request that queues publishes {@code queued} and
 * then tries the semaphore again ({@link #grantFreeSlots}); whichever comes second sees the other. Granted tickets are
 * resumed on {@code resumer} (a new virtual thread in the gateway), never on the releasing thread: that thread is
 * delivering another request's answer, and resuming inline would let a run of failures recurse through the queue.
 * A resize ({@link #resize}, hot reload) happens under the monitor; {@code limit} and {@code maxQueued} are volatile.
 */
final class Ceiling {
    /** A semaphore whose permits can be taken away without waiting for them. */
    private static final class Slots extends Semaphore {
        private static final long serialVersionUID = 1L;

        Slots(int permits) {
            super(permits);
        }

        void shrink(int by) {
            reducePermits(by);
        }
    }

    private final Slots slots;
    private final Executor resumer;
    /** What the ceiling limits and the setting that sets it, for messages: "upstream 'files'", "max_in_flight". */
    private final String what;
    private final String setting;
    private volatile int limit;
    private volatile int maxQueued;
    /** The queue's size, published for the lock-free fast path. */
    private volatile int queued;
    @GuardedBy("this")
    private final FairQueue<Ticket> waiting = new FairQueue<>();

    Ceiling(String what, String setting, int limit, int maxQueued, Executor resumer) {
        this.what = what;
        this.setting = setting;
        this.limit = limit;
        this.maxQueued = maxQueued;
        this.slots = new Slots(limit);
        this.resumer = resumer;
    }

    /**
     * Admits a request of {@code flow} (its client) now, queues it, or refuses it with {@code queue_full}.
     *
     * @param weight the flow's share while it waits (at least 1)
     * @param deadlineNanos when a queued request stops waiting ({@code System.nanoTime()} scale)
     */
    Admission admit(Object flow, int weight, long deadlineNanos) {
        if (queued == 0 && slots.tryAcquire()) {
            return new Admission.Admitted(new Permit(this));
        }
        Ticket ticket = new Ticket(this, flow, deadlineNanos);
        synchronized (this) {
            if (waiting.isEmpty() && slots.tryAcquire()) {
                return new Admission.Admitted(new Permit(this));
            }
            if (!waiting.offer(flow, weight, ticket, maxQueued)) {
                return new Admission.Rejected(Refusal.QUEUE_FULL.error(queueFullMessage(), Refusal.DEFAULT_RETRY_AFTER_MS));
            }
            queued = waiting.size();
        }
        grantFreeSlots(); // a slot released between the failed tryAcquire and the publication of queued
        return new Admission.Queued(ticket);
    }

    /** Gives a slot back: to the next ticket in fair order if any waits, else to the semaphore. */
    void release() {
        slots.release();
        if (queued > 0) {
            grantFreeSlots();
        }
    }

    /** Hands every free slot to the tickets next in fair order, then resumes them. */
    private void grantFreeSlots() {
        List<Ticket> granted = List.of();
        synchronized (this) {
            while (!waiting.isEmpty() && slots.tryAcquire()) {
                Ticket next = Objects.requireNonNull(waiting.poll(), "a non-empty queue has a next ticket");
                next.state.set(Ticket.GRANTED);
                if (granted.isEmpty()) {
                    granted = new ArrayList<>(2);
                }
                granted.add(next);
            }
            queued = waiting.size();
        }
        for (Ticket ticket : granted) {
            resumer.execute(ticket::resume);
        }
    }

    /** Takes {@code ticket} out of the queue if it still waits there, failing its wait with {@code cause}. */
    void withdraw(Ticket ticket, Throwable cause) {
        if (ticket.state.get() != Ticket.QUEUED) {
            return; // the usual case: called when the request ended, long after its slot was handed over
        }
        boolean removed;
        synchronized (this) {
            removed = ticket.state.compareAndSet(Ticket.QUEUED, Ticket.DONE) && waiting.remove(ticket.flow, ticket);
            queued = waiting.size();
        }
        if (removed) {
            ticket.fail(cause);
        }
    }

    /** Refuses, with {@code deadline_exceeded}, every ticket whose deadline is at or before {@code now}. */
    void expire(long now) {
        if (queued == 0) {
            return;
        }
        List<Ticket> expired;
        synchronized (this) {
            expired = waiting.removeIf(ticket -> ticket.deadlineNanos - now <= 0);
            expired.forEach(ticket -> ticket.state.set(Ticket.DONE));
            queued = waiting.size();
        }
        if (expired.isEmpty()) {
            return;
        }
        var refusal = Refusal.DEADLINE_EXCEEDED.error("The request's deadline (proxy.timeouts.request_timeout) passed while"
                + " it waited for a slot of " + what + " (" + limit + " in flight, its " + setting + "); nothing was sent"
                + " upstream. Raise " + setting + " or proxy.timeouts.request_timeout", Refusal.DEFAULT_RETRY_AFTER_MS);
        for (Ticket ticket : expired) {
            ticket.fail(refusal);
        }
    }

    private String queueFullMessage() {
        return "Too many requests for " + what + ": " + limit + " in flight (its " + setting + ") and " + maxQueued
                + " waiting (its max_queued, default proxy.limits.max_queued_per_upstream); retry later, or raise"
                + " max_queued or " + setting;
    }

    /** Changes the ceiling (hot reload) with the requests in flight still counted; a raise lets waiting ones in. */
    void resize(int next, int nextMaxQueued) {
        synchronized (this) {
            int change = next - limit;
            if (change > 0) {
                slots.release(change);
            } else if (change < 0) {
                slots.shrink(-change); // may go negative: new requests wait out the excess already in flight
            }
            limit = next;
            maxQueued = nextMaxQueued; // a lower bound refuses new arrivals; those already waiting stay
        }
        grantFreeSlots();
    }

    /** Requests holding a slot (off by a resize while one is under way). */
    int inFlight() {
        return limit - slots.availablePermits();
    }

    /** Requests waiting for a slot. */
    int queued() {
        return queued;
    }

    int limit() {
        return limit;
    }
}
