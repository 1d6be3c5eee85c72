package io.gatekit.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The list cache alone: what is kept, what is served but not kept, which cursors stay valid. */
class ListCacheTest {
    private final ListCache cache = new ListCache();
    private final AtomicInteger builds = new AtomicInteger();

    static ListCache.Snapshot completeList() {
        return new ListCache.Snapshot(0, JsonNodeFactory.instance.arrayNode().add("a"), true, Map.of(),
                ListCache.CacheHints.NONE, System.nanoTime());
    }

    private ListCache.Snapshot counted(boolean complete) {
        builds.incrementAndGet();
        return new ListCache.Snapshot(0, JsonNodeFactory.instance.arrayNode(), complete,
                complete ? Map.of() : Map.of("down", "not ready"), ListCache.CacheHints.NONE, System.nanoTime());
    }

    @Test
    void aCompleteListIsBuiltOnceAndServedFromTheCache() {
        ListCache.Snapshot first = cache.get(ListKind.TOOLS, () -> counted(true));
        ListCache.Snapshot second = cache.get(ListKind.TOOLS, () -> counted(true));
        assertThat(second).isSameAs(first);
        assertThat(builds).hasValue(1);
        assertThat(cache.forCursor(ListKind.TOOLS, first.version())).isSameAs(first);
    }

    @Test
    void aListWithAnUpstreamLeftOutIsServedAndPagedButRebuiltNextTime() {
        ListCache.Snapshot partial = cache.get(ListKind.TOOLS, () -> counted(false));
        assertThat(cache.cached(ListKind.TOOLS)).isNull();
        assertThat(cache.forCursor(ListKind.TOOLS, partial.version())).isSameAs(partial);
        ListCache.Snapshot next = cache.get(ListKind.TOOLS, () -> counted(false));
        assertThat(builds).hasValue(2);
        assertThat(next.version()).isGreaterThan(partial.version());
        assertThat(cache.forCursor(ListKind.TOOLS, partial.version())).as("older cursor is stale").isNull();
    }

    @Test
    void anInvalidationMakesOpenCursorsStaleAndForcesARebuild() {
        ListCache.Snapshot before = cache.get(ListKind.PROMPTS, () -> counted(true));
        cache.invalidate(ListKind.PROMPTS);
        assertThat(cache.forCursor(ListKind.PROMPTS, before.version())).isNull();
        ListCache.Snapshot after = cache.get(ListKind.PROMPTS, () -> counted(true));
        assertThat(after.version()).isNotEqualTo(before.version());
        assertThat(builds).hasValue(2);
    }

    @Test
    void invalidatingOneKindLeavesTheOthers() {
        ListCache.Snapshot tools = cache.get(ListKind.TOOLS, () -> counted(true));
        cache.get(ListKind.RESOURCES, () -> counted(true));
        cache.invalidate(ListKind.RESOURCES);
        assertThat(cache.cached(ListKind.TOOLS)).isSameAs(tools);
        assertThat(cache.cached(ListKind.RESOURCES)).isNull();
        cache.invalidateAll();
        assertThat(cache.cached(ListKind.TOOLS)).isNull();
    }

    @Test
    void aListBuiltAcrossAnInvalidationIsServedButNotKept() {
        ListCache.Snapshot built = cache.get(ListKind.TOOLS, () -> {
            cache.invalidate(ListKind.TOOLS); // an upstream says its list changed while this one is being merged
            return counted(true);
        });
        assertThat(built.items()).isEmpty();
        assertThat(cache.cached(ListKind.TOOLS)).as("a change must not be hidden by a slow build").isNull();
        assertThat(cache.forCursor(ListKind.TOOLS, built.version())).isNull();
    }

    @Test
    void concurrentMissesOfOneKindBuildOnce() throws Exception {
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<ListCache.Snapshot> first = CompletableFuture.supplyAsync(() -> cache.get(ListKind.TOOLS, () -> {
            building.countDown();
            awaitUninterruptibly(release);
            return counted(true);
        }));
        assertThat(building.await(10, TimeUnit.SECONDS)).isTrue();
        Thread second = Thread.ofPlatform().start(() -> cache.get(ListKind.TOOLS, () -> counted(true)));
        // The second caller is parked on the kind's build lock, not building a list of its own.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> second.getState() == Thread.State.BLOCKED);
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertThat(second.join(Duration.ofSeconds(10))).isTrue();
        assertThat(builds).hasValue(1);
    }

    @Test
    void cacheHintsAreConservativeWhereAPartSaysNothing() {
        ObjectNode silent = JsonNodeFactory.instance.objectNode();
        assertThat(ListCache.CacheHints.of(silent)).isEqualTo(new ListCache.CacheHints(0, true));
        ObjectNode shared = JsonNodeFactory.instance.objectNode().put("ttlMs", 5000).put("cacheScope", "public");
        assertThat(ListCache.CacheHints.of(shared)).isEqualTo(new ListCache.CacheHints(5000, false));
        ObjectNode negative = JsonNodeFactory.instance.objectNode().put("ttlMs", -5).put("cacheScope", "PUBLIC");
        assertThat(ListCache.CacheHints.of(negative)).isEqualTo(new ListCache.CacheHints(0, true));
        ObjectNode text = JsonNodeFactory.instance.objectNode().put("ttlMs", "5000");
        assertThat(ListCache.CacheHints.of(text).ttlMs()).isZero();

        ListCache.CacheHints merged = ListCache.CacheHints.of(shared).merge(new ListCache.CacheHints(1000, true));
        assertThat(merged).isEqualTo(new ListCache.CacheHints(1000, true));
        assertThat(merged.remainingMs(TimeUnit.MILLISECONDS.toNanos(400))).isEqualTo(600);
        assertThat(merged.remainingMs(TimeUnit.SECONDS.toNanos(5))).isZero();
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
