package io.gatekit.plugins;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One generation of the configured plugins: the global scope's {@link Pipeline} and each upstream's (the global
 * entries with that upstream's replacing the ones of the same handler). Immutable. A reload makes the next
 * generation, keeping the instances of unchanged entries; this one is then retired, and the instances only it
 * used are closed once the last message that started under it has finished (messages {@link #tryUse} it).
 */
public final class Pipelines {
    private static final Logger log = LoggerFactory.getLogger(Pipelines.class);

    /** A generation with no plugins. */
    static Pipelines none() {
        return new Pipelines(Pipeline.EMPTY, Map.of(), List.of());
    }

    private final Pipeline global;
    private final Map<String, Pipeline> byUpstream;
    private final List<InstalledPlugin> installed;
    /** Read for every request: a field, not a call on the list. */
    private final boolean empty;
    /** Messages under way, plus one for being current: at zero a retired generation closes its own plugins. */
    private final AtomicInteger users = new AtomicInteger(1);
    private volatile Set<Plugin> toClose = Set.of();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    Pipelines(Pipeline global, Map<String, Pipeline> byUpstream, List<InstalledPlugin> installed) {
        this.global = global;
        this.byUpstream = Map.copyOf(byUpstream);
        this.installed = List.copyOf(installed);
        this.empty = installed.isEmpty();
    }

    /** The pipeline for a message to or from {@code upstream}; the global one for none. */
    public Pipeline forUpstream(@Nullable String upstream) {
        return upstream == null ? global : byUpstream.getOrDefault(upstream, global);
    }

    public boolean isEmpty() {
        return empty;
    }

    /** Every plugin instance of this generation, each once. */
    public List<InstalledPlugin> installed() {
        return installed;
    }

    /**
     * Marks a message as using this generation until it calls {@link #release}; false when the generation has
     * already been retired and closed (the caller then takes the current one).
     */
    boolean tryUse() {
        while (true) {
            int now = users.get();
            if (now == 0) {
                return false;
            }
            if (users.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Retires this generation: {@code closing} (the instances the next one does not keep) close once unused. */
    void retire(Set<Plugin> closing) {
        toClose = Set.copyOf(closing);
        release();
    }

    /** Ends one use (or, from {@link #retire}, being current). */
    void release() {
        if (users.decrementAndGet() != 0) {
            return;
        }
        Set<Plugin> closing = toClose;
        if (closing.isEmpty()) {
            closed.complete(null);
            return;
        }
        // The last message may be on a reader thread; closing an auditor drains its queue, which must not hold it.
        Thread.ofVirtual().name("gatekit-plugin-retire").start(() -> {
            closeAll(closing);
            closed.complete(null);
        });
    }

    /** Completes when this generation has been retired and the plugins only it used are closed (files flushed). */
    CompletableFuture<Void> closed() {
        return closed;
    }

    private static void closeAll(Set<Plugin> closing) {
        for (Plugin plugin : closing) {
            try {
                plugin.close();
            } catch (RuntimeException e) {
                log.warn("closing plugin {} failed", plugin, e);
            }
        }
    }
}
