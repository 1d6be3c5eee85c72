package io.gatekit.upstream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway-wide cap on upstream processes ({@code proxy.limits.max_upstream_processes}; ADR 0023). Shared
 * replicas are counted but never refused (the config check keeps their sum under the cap; a hot reload may
 * briefly overlap an old and a new upstream); a per-client session is refused once the cap is reached.
 *
 * <p>Concurrency: one atomic counter; the limit is volatile so a reload can change it.
 */
public final class ProcessBudget {
    private final AtomicInteger running = new AtomicInteger();
    private volatile int limit;

    public ProcessBudget(int limit) {
        this.limit = limit;
    }

    /** The cap from a reloaded config; processes over a lowered cap keep running, new sessions wait for room. */
    public void reconfigure(int newLimit) {
        this.limit = newLimit;
    }

    public int limit() {
        return limit;
    }

    /** Processes counted now. */
    public int running() {
        return running.get();
    }

    /** Counts a shared replica, whatever the cap. */
    void take() {
        running.incrementAndGet();
    }

    /** Counts a per-client session if the cap leaves room; false otherwise. */
    boolean tryTake() {
        while (true) {
            int now = running.get();
            if (now >= limit) {
                return false;
            }
            if (running.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void give() {
        running.decrementAndGet();
    }
}
