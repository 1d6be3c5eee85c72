package io.gatekit.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Concurrency: a put (the sending thread) and a remove (the reader thread, the sweeper, a cancel) meet only in
 * {@code compareAndSet} on a slot or in the concurrent overflow map, so each call is removed exactly once.
 */
final class PendingTable {
    private static final int CAPACITY = 1 << 14;

    private final AtomicReferenceArray<PendingCall> slots = new AtomicReferenceArray<>(CAPACITY);
    private final Map<Long, PendingCall> overflow = new ConcurrentHashMap<>();
    private final LongAdder size = new LongAdder();

    void put(PendingCall call) {
        int slot = slot(call.upstreamId());
        if (!slots.compareAndSet(slot, null, call)) {
            overflow.put(call.upstreamId(), call);
        }
        size.increment();
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
                size.decrement();
                return call;
            }
            return null;
        }
        PendingCall moved = overflow.isEmpty() ? null : overflow.remove(id);
        if (moved != null) {
            size.decrement();
        }
        return moved;
    }

    /** Removes exactly this call; false if it was already gone. */
    boolean remove(PendingCall call) {
        int slot = slot(call.upstreamId());
        if (slots.compareAndSet(slot, call, null)) {
            size.decrement();
            return true;
        }
        if (overflow.remove(call.upstreamId(), call)) {
            size.decrement();
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

    /** A snapshot of the calls in flight. */
    List<PendingCall> values() {
        List<PendingCall> calls = new ArrayList<>();
        for (int i = 0; i < CAPACITY; i++) {
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

    int size() {
        return (int) size.sum();
    }

    private static int slot(long id) {
        return (int) (id & (CAPACITY - 1));
    }
}
