package io.gatekit.routing;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;

/**
 * The merged lists, kept until an upstream says its list changed, restarts, or goes away. Each kind has an
 * epoch bumped by every invalidation; a list built across an invalidation is served but not kept, so a
 * change is never hidden by a slow rebuild. Builds of one kind are single-flight. Thread-safe.
 *
 * <p>Concurrency: the snapshots, epochs and version counter are guarded by {@code this}, held only briefly. A build
 * runs under its kind's own lock, not {@code this}, so builds of one kind are single-flight while reads and
 * invalidations never wait for a build.
 */
final class ListCache {

    /**
     * A merged list and the version its cursors carry; {@code complete} is false if an upstream was left out.
     * {@code hints} are the merged 2026-07-28 caching hints of the parts, as of {@code builtAtNanos}.
     */
    record Snapshot(long version, ArrayNode items, boolean complete, Map<String, String> leftOut, CacheHints hints,
            long builtAtNanos) {}

    /**
     * Caching hints ({@code ttlMs}, {@code cacheScope}) merged over the parts of a list: the smallest TTL, and
     * private if any part is. A part without hints (every legacy upstream) counts as {@code 0} / private.
     */
    record CacheHints(long ttlMs, boolean isPrivate) {
        static final CacheHints NONE = new CacheHints(0, true);

        /** The hints one upstream result gives, with the conservative default for what it leaves out. */
        static CacheHints of(tools.jackson.databind.JsonNode result) {
            tools.jackson.databind.JsonNode ttl = result.get("ttlMs");
            tools.jackson.databind.JsonNode scope = result.get("cacheScope");
            long ttlMs = ttl != null && ttl.isIntegralNumber() && ttl.asLong() >= 0 ? ttl.asLong() : 0;
            boolean isPublic = scope != null && scope.isString() && scope.stringValue().equals("public");
            return new CacheHints(ttlMs, !isPublic);
        }

        CacheHints merge(CacheHints other) {
            return new CacheHints(Math.min(ttlMs, other.ttlMs), isPrivate || other.isPrivate);
        }

        /** The TTL left {@code ageNanos} after the list was built (never below 0). */
        long remainingMs(long ageNanos) {
            return Math.max(0, ttlMs - java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(ageNanos));
        }
    }

    @GuardedBy("this")
    private final Map<ListKind, Snapshot> snapshots = new EnumMap<>(ListKind.class);
    /** The last list built of each kind, fresh or not: the one open cursors page through. */
    @GuardedBy("this")
    private final Map<ListKind, Snapshot> latest = new EnumMap<>(ListKind.class);
    @GuardedBy("this")
    private final Map<ListKind, Long> epochs = new EnumMap<>(ListKind.class);
    /** Filled by the constructor and never changed, so read without a lock. */
    private final Map<ListKind, Object> buildLocks = new EnumMap<>(ListKind.class);
    @GuardedBy("this")
    private long versions;

    ListCache() {
        for (ListKind kind : ListKind.values()) {
            epochs.put(kind, 0L);
            buildLocks.put(kind, new Object());
        }
    }

    /** The cached list of {@code kind}, or a fresh one from {@code build} (called without the cache lock). */
    Snapshot get(ListKind kind, Supplier<Snapshot> build) {
        Snapshot cached = cached(kind);
        if (cached != null) {
            return cached;
        }
        synchronized (buildLock(kind)) {
            cached = cached(kind);
            if (cached != null) {
                return cached;
            }
            long epoch = epoch(kind);
            Snapshot built = build.get();
            synchronized (this) {
                Snapshot versioned = new Snapshot(++versions, built.items(), built.complete(), built.leftOut(), built.hints(),
                        built.builtAtNanos());
                boolean current = epoch(kind) == epoch;
                if (current) {
                    latest.put(kind, versioned);
                    if (built.complete()) {
                        snapshots.put(kind, versioned);
                    }
                }
                return versioned;
            }
        }
    }

    /** The list an open cursor of {@code version} pages through, or null if the list changed since. */
    synchronized @Nullable Snapshot forCursor(ListKind kind, long version) {
        Snapshot snapshot = latest.get(kind);
        return snapshot != null && snapshot.version() == version ? snapshot : null;
    }

    synchronized @Nullable Snapshot cached(ListKind kind) {
        return snapshots.get(kind);
    }

    synchronized void invalidate(ListKind kind) {
        snapshots.remove(kind);
        latest.remove(kind);
        epochs.merge(kind, 1L, Long::sum);
    }

    void invalidateAll() {
        for (ListKind kind : ListKind.values()) {
            invalidate(kind);
        }
    }

    /** The epoch of {@code kind}: moved on by every invalidation. */
    synchronized long epoch(ListKind kind) {
        return epochs.getOrDefault(kind, 0L);
    }

    private Object buildLock(ListKind kind) {
        return Objects.requireNonNull(buildLocks.get(kind), "the constructor makes a lock for every kind");
    }
}
