package io.gatekit.routing;

import io.gatekit.jsonrpc.GatewayException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * The tools each upstream last listed under an alias ({@link ToolNames}), so that a call naming an alias reaches
 * the tool's own name. Filled whenever an upstream's tool list is fetched; kept across list cache invalidations
 * and upstream restarts (an alias is a function of upstream and name, so it stays right until the list says
 * otherwise), replaced whole by the next fetch, dropped when the upstream leaves the config. Each alias is logged
 * at WARN the first time it is made.
 *
 * <p>A call may name an alias this gateway has not seen listed (a client that listed before a gateway restart, or
 * on another gateway): {@link #refreshIfStale} fetches that upstream's tools once, unless they were fetched since
 * the merged tool list last changed, which bounds the fetches a stream of unknown names can cause.
 *
 * <p>Concurrency: called from list builds (one virtual thread per upstream), from requests on any thread and from
 * reloads. Each upstream's aliases are one immutable {@code Listed} in a concurrent map, swapped whole, so a lookup
 * sees one fetch or the next, never a mix; a fetch that began before a newer one finished does not overwrite it.
 * Refreshes of one upstream are single-flight under that upstream's lock object, which guards nothing else.
 */
final class ToolAliases {
    private static final Logger log = LoggerFactory.getLogger(ToolAliases.class);

    /** One fetch of one upstream's list: its aliases by name, and the tool list epoch when the fetch began. */
    private record Listed(Map<String, String> originalByAlias, List<ToolAlias> aliases, long epoch) {}

    private final LongSupplier toolsEpoch;
    private final Map<String, Listed> byUpstream = new ConcurrentHashMap<>();
    private final Set<ToolAlias> warned = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> refreshLocks = new ConcurrentHashMap<>();

    /** @param toolsEpoch the merged tool list's epoch, moved on by every change to it ({@link ListCache}) */
    ToolAliases(LongSupplier toolsEpoch) {
        this.toolsEpoch = toolsEpoch;
    }

    /** The epoch a fetch records; read before the fetch begins, so a change during it leaves the result stale. */
    long epoch() {
        return toolsEpoch.getAsLong();
    }

    /**
     * Names one upstream's whole tool list as clients see it, remembers the aliases and warns about new ones.
     * Items without a string {@code name} pass unchanged.
     */
    List<JsonNode> expose(String upstream, List<JsonNode> tools, long epochAtFetch) {
        List<String> originals = new ArrayList<>(tools.size());
        for (JsonNode tool : tools) {
            if (tool instanceof ObjectNode object && object.get("name") instanceof StringNode name) {
                originals.add(name.stringValue());
            }
        }
        List<ToolNames.Exposed> names = ToolNames.expose(upstream, originals);
        Map<String, String> originalByAlias = new HashMap<>();
        List<ToolAlias> aliases = new ArrayList<>();
        List<JsonNode> exposed = new ArrayList<>(tools.size());
        int next = 0;
        for (JsonNode tool : tools) {
            if (!(tool instanceof ObjectNode object && object.get("name") instanceof StringNode)) {
                exposed.add(tool);
                continue;
            }
            ToolNames.Exposed name = names.get(next++);
            ObjectNode copy = object.deepCopy();
            copy.put("name", name.name());
            exposed.add(copy);
            ToolNames.Reason reason = name.reason();
            if (reason != null) {
                originalByAlias.put(name.name(), name.original());
                aliases.add(new ToolAlias(upstream, name.original(), name.name(), reason));
            }
        }
        byUpstream.merge(upstream, new Listed(Map.copyOf(originalByAlias), List.copyOf(aliases), epochAtFetch),
                (kept, fresh) -> fresh.epoch() >= kept.epoch() ? fresh : kept);
        for (ToolAlias alias : aliases) {
            if (warned.add(alias)) {
                log.warn("upstream '{}' tool {} is listed as '{}': {}", upstream, ToolNames.quoted(alias.original()),
                        alias.alias(), alias.reason().description());
            }
        }
        return exposed;
    }

    /** The upstream and tool an alias stands for, as last listed; null when no listed alias is {@code name}. */
    Namespace.@Nullable Qualified resolve(String name) {
        if (!ToolNames.mayBeAlias(name)) {
            return null;
        }
        for (Map.Entry<String, Listed> upstream : byUpstream.entrySet()) {
            String original = upstream.getValue().originalByAlias().get(name);
            if (original != null) {
                return new Namespace.Qualified(upstream.getKey(), original);
            }
        }
        return null;
    }

    /** The upstreams whose tools may hold {@code name} as an alias and were not fetched since the list last changed. */
    List<String> staleCandidates(String name, Collection<String> upstreams) {
        if (!ToolNames.mayBeAlias(name)) {
            return List.of();
        }
        List<String> stale = new ArrayList<>(1);
        for (String upstream : upstreams) {
            if (ToolNames.couldBeFrom(name, upstream) && isStale(upstream)) {
                stale.add(upstream);
            }
        }
        return stale;
    }

    private boolean isStale(String upstream) {
        Listed listed = byUpstream.get(upstream);
        return listed == null || listed.epoch() != epoch();
    }

    /**
     * Runs {@code fetch} (which lists {@code upstream}'s tools, passing them through {@link #expose}) unless they
     * were fetched since the list last changed; callers waiting here for the same upstream share one fetch. A failed
     * fetch is logged; the call then goes on as named.
     */
    void refreshIfStale(String upstream, Runnable fetch) {
        synchronized (refreshLocks.computeIfAbsent(upstream, name -> new Object())) {
            if (!isStale(upstream)) {
                return;
            }
            try {
                fetch.run();
            } catch (GatewayException e) {
                log.debug("tools/list of upstream {} for an unknown alias failed: {}", upstream, e.getMessage());
            }
        }
    }

    /** Every alias of the upstreams named, in that order. */
    List<ToolAlias> aliases(Collection<String> upstreams) {
        List<ToolAlias> all = new ArrayList<>();
        for (String upstream : upstreams) {
            Listed listed = byUpstream.get(upstream);
            if (listed != null) {
                all.addAll(listed.aliases());
            }
        }
        return all;
    }

    /** Forgets upstreams no longer configured (reload). */
    void retain(Set<String> upstreams) {
        byUpstream.keySet().retainAll(upstreams);
        refreshLocks.keySet().retainAll(upstreams);
    }
}
