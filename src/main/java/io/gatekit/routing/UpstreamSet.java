package io.gatekit.routing;

import io.gatekit.upstream.Upstream;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The upstreams a gateway routes to, by name in config order. Replaced whole on reload, so one read sees one
 * consistent set.
 *
 * <p>Concurrency: one volatile reference to an unmodifiable map; readers never lock.
 */
public final class UpstreamSet {
    private volatile Map<String, Upstream> byName = Map.of();

    /** Replaces the set (at start and on hot reload). */
    public void replace(List<Upstream> next) {
        Map<String, Upstream> map = new LinkedHashMap<>();
        next.forEach(u -> map.put(u.name(), u));
        byName = Collections.unmodifiableMap(map);
    }

    /** The upstream of that name, or null. */
    public @Nullable Upstream get(String name) {
        return byName.get(name);
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** In config order. */
    public Collection<Upstream> all() {
        return byName.values();
    }

    public Set<String> names() {
        return byName.keySet();
    }

    /** Whether some upstream is starting (a request for it waits rather than fails). */
    public boolean anyStarting() {
        for (Upstream upstream : byName.values()) {
            if (upstream.state() == Upstream.State.STARTING) {
                return true;
            }
        }
        return false;
    }
}
