package io.gatekit.routing;

import io.gatekit.security.policy.AccessKind;
import io.gatekit.security.policy.CallerPolicy;
import io.gatekit.security.policy.ToolHints;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.StringNode;

/**
 * The access policy applied to the merged lists: which items of a list a caller sees (each decided by
 * {@link CallerPolicy#decide}, the decision calls are authorised by), and whether a listed tool is read-only, for the
 * calls' decisions. Items are identified as calls are targeted: a tool by its alias or {@code upstream__name}, the
 * rest by {@code upstream__name} or {@code upstream__uri}. An item it cannot identify is hidden.
 *
 * <p>Concurrency: stateless but for the read-only index of the last tool list, an immutable map replaced whole
 * through a volatile field (two threads may build it at once; either result is right).
 */
final class ListAccess implements ToolHints {
    /** Which tools of one merged tool list (by its version) are read-only. */
    private record ReadOnlyIndex(long version, Map<Namespace.Qualified, Boolean> readOnly) {}

    private final ToolAliases toolAliases;
    private final LongFunction<ListCache.Snapshot> mergedTools;
    private volatile @Nullable ReadOnlyIndex index;

    /** @param mergedTools the merged tool list, cached or built by a deadline */
    ListAccess(ToolAliases toolAliases, LongFunction<ListCache.Snapshot> mergedTools) {
        this.toolAliases = toolAliases;
        this.mergedTools = mergedTools;
    }

    /** The items of a merged list {@code caller} may see, in order. */
    List<JsonNode> visible(ListKind kind, ArrayNode items, CallerPolicy caller) {
        if (caller.isUnrestricted()) {
            return new AbstractList<>() { // a view: an unrestricted page costs no copy of the list
                @Override
                public JsonNode get(int index) {
                    return items.get(index);
                }

                @Override
                public int size() {
                    return items.size();
                }
            };
        }
        AccessKind access = kind == ListKind.TOOLS ? AccessKind.TOOL : kind == ListKind.PROMPTS ? AccessKind.PROMPT
                : AccessKind.RESOURCE;
        List<JsonNode> visible = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            Namespace.Qualified id = identify(kind, item);
            if (id != null && caller.decide(access, id.upstream(), id.name(), () -> isReadOnly(item)).allowed()) {
                visible.add(item);
            }
        }
        return visible;
    }

    @Override
    public boolean readOnly(String upstream, String name, long deadlineNanos) {
        ListCache.Snapshot tools = mergedTools.apply(deadlineNanos);
        ReadOnlyIndex current = index;
        if (current == null || current.version() != tools.version()) {
            Map<Namespace.Qualified, Boolean> readOnly = new HashMap<>();
            for (JsonNode tool : tools.items()) {
                Namespace.Qualified id = identify(ListKind.TOOLS, tool);
                if (id != null) {
                    readOnly.put(id, isReadOnly(tool));
                }
            }
            current = new ReadOnlyIndex(tools.version(), Map.copyOf(readOnly));
            index = current;
        }
        return current.readOnly().getOrDefault(new Namespace.Qualified(upstream, name), false);
    }

    private Namespace.@Nullable Qualified identify(ListKind kind, JsonNode item) {
        if (!(item.get(kind.qualifiedMember) instanceof StringNode member)) {
            return null;
        }
        String name = member.stringValue();
        Namespace.Qualified aliased = kind == ListKind.TOOLS ? toolAliases.resolve(name) : null;
        return aliased != null ? aliased : Namespace.split(name).orElse(null);
    }

    /** MCP's hint: a tool says it does not modify its environment; one that says nothing counts as a write. */
    private static boolean isReadOnly(JsonNode tool) {
        return tool.path("annotations").path("readOnlyHint").asBoolean(false);
    }
}
