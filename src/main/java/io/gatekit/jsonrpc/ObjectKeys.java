package io.gatekit.jsonrpc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The keys of the objects {@link EnvelopeScanner} is inside, as spans of its buffer, so that it can refuse a key
 * repeated within one object (ADR 0014) without making strings. The scanner {@link #open}s an object, {@link #add}s
 * its keys and {@link #close}s it; an object's keys sit on one stack above its parent's. Up to {@link #LINEAR} keys
 * an object is searched key by key, comparing a fingerprint made in constant time (length, first and last bytes)
 * before any bytes: nearly every object is that small, and hashing every key would cost more than the search. Past
 * it, an {@link Index} of the object's keys by a full hash makes each further key cost the same, and should hostile
 * keys all collide, a tree-backed hash set takes over, so no object costs quadratic time. The state lives here, not
 * in the scanner's frames, which keeps its byte loops lean. Keys with escapes never come here (the scanner leaves
 * them to the full parser). One instance per scan; not thread-safe.
 */
final class ObjectKeys {
    static final int LINEAR = 16;
    /** A probe sequence this long means the hashes collide badly: likely an attack, so the set takes over. */
    private static final int MAX_PROBES = 32;
    private static final int FIELDS = 3; // start, stop, fingerprint (in an index: full hash)

    private final byte[] b;
    private int[] keys = new int[FIELDS * 8];
    private int top;
    /** Where each open object's keys start on the stack, outermost first. */
    private int[] marks = new int[8];
    private int depth;
    /** The open objects' indexes, for those with many keys, by depth; made when first needed. */
    private @Nullable Index @Nullable [] indexes;

    ObjectKeys(byte[] bytes) {
        this.b = bytes;
    }

    /** An object opens: its keys start here. */
    void open() {
        if (depth == marks.length) {
            marks = Arrays.copyOf(marks, depth * 2);
        }
        marks[depth++] = top;
    }

    /** The innermost open object closes: its keys are forgotten. */
    void close() {
        depth--;
        top = marks[depth];
        if (indexes != null && depth < indexes.length) {
            indexes[depth] = null;
        }
    }

    /** Adds the key {@code b[start, stop)} to the innermost open object: false when that object already has it. */
    boolean add(int start, int stop) {
        int frame = depth - 1;
        Index[] known = indexes;
        if (known != null && frame < known.length && known[frame] != null) {
            return known[frame].add(start, stop);
        }
        // The common case, kept small so that it is compiled into the scanner's loop.
        int mark = marks[frame];
        int length = stop - start;
        int fingerprint = length == 0 ? 0 : (length << 16) ^ (b[start] << 8) ^ (b[stop - 1] & 0xff);
        for (int k = mark; k < top; k += FIELDS) {
            if (keys[k + 2] == fingerprint && keys[k + 1] - keys[k] == length && sameBytes(keys[k], start, length)) {
                return false;
            }
        }
        push(start, stop, fingerprint);
        if (top - mark == FIELDS * LINEAR) {
            startIndex(frame, mark);
        }
        return true;
    }

    private void startIndex(int frame, int mark) {
        Index[] known = indexes;
        if (known == null || frame >= known.length) {
            known = Arrays.copyOf(known == null ? new Index[0] : known, Math.max(8, 2 * depth));
            indexes = known;
        }
        known[frame] = new Index(mark);
    }

    private void push(int start, int stop, int fingerprint) {
        if (top + FIELDS > keys.length) {
            keys = Arrays.copyOf(keys, keys.length * 2);
        }
        keys[top] = start;
        keys[top + 1] = stop;
        keys[top + 2] = fingerprint;
        top += FIELDS;
    }

    private boolean sameBytes(int at, int other, int length) {
        for (int k = 0; k < length; k++) {
            if (b[at + k] != b[other + k]) {
                return false;
            }
        }
        return true;
    }

    private int hash(int start, int stop) {
        int hash = 0;
        for (int k = start; k < stop; k++) {
            hash = 31 * hash + b[k];
        }
        return hash;
    }

    /** The bytes as a string, one char per byte: distinct byte sequences stay distinct, even invalid UTF-8. */
    private String latin1(int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /**
     * The keys of one object with many: open addressing over their places on the stack, whose third field then
     * holds the key's full hash instead of its fingerprint.
     */
    private final class Index {
        private final int mark;
        /** A key's place on the stack plus one; 0 is a free slot. */
        private int[] slots = new int[4 * LINEAR];
        private @Nullable Set<String> collided;

        Index(int mark) {
            this.mark = mark;
            for (int k = mark; k < top; k += FIELDS) {
                keys[k + 2] = hash(keys[k], keys[k + 1]);
            }
            collided = place();
        }

        /** Adds a key of this object: false when the object already has it. */
        boolean add(int start, int stop) {
            Set<String> set = collided;
            if (set == null && 2 * ((top - mark) / FIELDS + 1) > slots.length) {
                slots = new int[slots.length * 2];
                set = place();
            }
            if (set != null) {
                return set.add(latin1(start, stop));
            }
            int hash = hash(start, stop);
            int length = stop - start;
            int mask = slots.length - 1;
            int slot = slotOf(hash);
            for (int probe = 0; slots[slot] != 0; probe++) {
                int k = slots[slot] - 1;
                if (keys[k + 2] == hash && keys[k + 1] - keys[k] == length && sameBytes(keys[k], start, length)) {
                    return false;
                }
                if (probe == MAX_PROBES) {
                    return useSet().add(latin1(start, stop));
                }
                slot = (slot + 1) & mask;
            }
            push(start, stop, hash);
            slots[slot] = top - FIELDS + 1;
            return true;
        }

        /**
         * Places every key of the object (all distinct, hashes in place) in the slots; if they collide badly,
         * switches to the set and returns it (else null).
         */
        private @Nullable Set<String> place() {
            int mask = slots.length - 1;
            for (int k = mark; k < top; k += FIELDS) {
                int slot = slotOf(keys[k + 2]);
                for (int probe = 0; slots[slot] != 0; probe++) {
                    if (probe == MAX_PROBES) {
                        return useSet();
                    }
                    slot = (slot + 1) & mask;
                }
                slots[slot] = k + 1;
            }
            return null;
        }

        private Set<String> useSet() {
            Set<String> set = new HashSet<>();
            for (int k = mark; k < top; k += FIELDS) {
                set.add(latin1(keys[k], keys[k + 1]));
            }
            collided = set;
            slots = new int[0];
            return set;
        }

        /** Fibonacci hashing: the product's high bits, as many as the table needs. */
        private int slotOf(int hash) {
            return (hash * 0x9E3779B9) >>> (Integer.numberOfLeadingZeros(slots.length) + 1);
        }
    }
}
