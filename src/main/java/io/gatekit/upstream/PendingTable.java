package io.gatekit.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The calls in flight on one upstream connection, by their gateway-unique upstream id. Ids are handed out in
 * sequence, so a call lives in slot {@code id mod capacity} of a lock-free array; the rare call whose slot is
 * still taken by a much older one goes to an overflow map. On the hot path this replaces a
 * {@code ConcurrentHashMap} whose bin locks and size counter the two reader threads (put on one, remove on the
 * other) fought over: it was the largest single cost in the gateway's profile. Thread-safe.
 *
 * <p>The deadline sweeper reads {@link #values} every tick on every upstream, so an idle table must not cost a
 * scan of its slots. Two monotonic counters say whether it may hold anything: {@code added} is counted before a
 * call goes in, {@code removed} after one comes out, so at every instant {@code added - removed} is at least the
 * number of calls present. Each counter is bumped by one side only (put by the sender, remove mostly by the
 * reader), so the hot path gains no shared counter. A call's id must be unique while it is in the table
 * (they are sequential per connection).
 *
 * <p>Concurrency: a put (the sending thread) and a remove (the reader thread, the sweeper, a cancel) meet only in
 * {@code compareAndSet} on a slot or in the concurrent overflow map, so each call is removed exactly once.
 */
final class PendingTable {
    private static final int CAPACITY = 1 << 14;

    private final AtomicReferenceArray<PendingCall> slots;
    private final int mask;
    private final Map<Long, PendingCall> overflow = new ConcurrentHashMap<>();
    private final LongAdder added = new LongAdder();
    private final LongAdder removed = new LongAdder();
    /** How often {@link #values} had to read the slots: lets a test see that an idle table is not scanned. */
    private final AtomicLong scans = new AtomicLong();

    PendingTable() {
        this(CAPACITY);
    }

    /** A table of {@code capacity} slots (a power of two); tests use a few so that a model checker can scan them. */
    PendingTable(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        this.slots = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
    }

    void put(PendingCall call) {
        added.increment();
        int slot = slot(call.upstreamId());
        if (!slots.compareAndSet(slot, null, call)) {
            overflow.put(call.upstreamId(), call);
        }
    }

    @Nullable PendingCall get(long id) {
        PendingCall call = slots.get(slot(id));
        if (call != null && call.upstreamId() == id) {
            return call;
        }
        return overflow.isEmpty() ? null : overflow.get(id);
    }

    /** Removes and returns the call with this id, or null if there is none (already answered or abandoned). */
    @Nullable PendingCall remove(long id) {
        int slot = slot(id);
        PendingCall call = slots.get(slot);
        if (call != null && call.upstreamId() == id) {
            if (slots.compareAndSet(slot, call, null)) {
                removed.increment();
                return call;
            }
            return null;
        }
        PendingCall moved = overflow.isEmpty() ? null : overflow.remove(id);
        if (moved != null) {
            removed.increment();
        }
        return moved;
    }

    /** Removes exactly this call; false if it was already gone. */
    boolean remove(PendingCall call) {
        int slot = slot(call.upstreamId());
        if (slots.compareAndSet(slot, call, null)) {
            removed.increment();
            return true;
        }
        if (overflow.remove(call.upstreamId(), call)) {
            removed.increment();
            return true;
        }
        return false;
    }

    /** Puts {@code replacement} (same id) in place of {@code current}; false if {@code current} was already gone. */
    boolean replace(PendingCall current, PendingCall replacement) {
        if (current.upstreamId() != replacement.upstreamId()) {
            throw new IllegalArgumentException("a replacement keeps the call's id");
        }
        return slots.compareAndSet(slot(current.upstreamId()), current, replacement)
                || overflow.replace(current.upstreamId(), current, replacement);
    }

    /**
     * The calls in flight: every call present from before this method starts until after it returns is in the
     * list, and no call absent throughout is (a weakly consistent snapshot, like a concurrent map's iterator).
     * An empty table answers without reading its slots.
     */
    List<PendingCall> values() {
        if (isEmpty()) {
            return List.of();
        }
        scans.incrementAndGet();
        List<PendingCall> calls = new ArrayList<>();
        for (int i = 0; i < slots.length(); i++) {
            PendingCall call = slots.get(i);
            if (call != null) {
                calls.add(call);
            }
        }
        calls.addAll(overflow.values());
        return calls;
    }

    /** Removes every call and returns them. */
    List<PendingCall> drain() {
        List<PendingCall> drained = new ArrayList<>();
        for (PendingCall call : values()) {
            if (remove(call)) {
                drained.add(call);
            }
        }
        return drained;
    }

    /** Approximate while calls come and go; exact when nothing does. */
    int size() {
        return (int) Math.max(0, added.sum() - removed.sum());
    }

    /**
     * True only if the table was empty at some instant during this call. Each counter only grows, so a sum read
     * while it moves lies between its values at the start and the end of the read. Reading {@code removed} first
     * and {@code added} second, at the instant t between the two reads removed(t) is at least the first figure
     * and added(t) at most the second: if they are equal, added(t) - removed(t) is at most 0, and so is the
     * number of calls present at t. The other order could see a call's removal without its (earlier) addition.
     */
    private boolean isEmpty() {
        long out = removed.sum();
        return added.sum() == out;
    }

    long scans() {
        return scans.get();
    }

    private int slot(long id) {
        return (int) (id & mask);
    }
}
