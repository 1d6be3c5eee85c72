package io.gatekit.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Captures {@code plugins:} entries with their locations. Only the scope is checked here, since it refers to
 * upstreams; whether a handler exists and accepts its config is the plugin layer's business.
 */
final class PluginsBinder {

    private PluginsBinder() {}

    static PluginsConfig bind(JsonNode plugins, Set<String> upstreamNames, Problems problems, PluginCheck check) {
        Map<String, Map<String, List<PluginEntry>>> byKind = new HashMap<>();
        FieldPath root = FieldPath.of("plugins");
        for (String kind : PluginsConfig.KINDS) {
            JsonNode scopes = plugins.path(kind);
            if (scopes.isObject()) {
                byKind.put(kind, bindKind(kind, scopes, root.child(kind), upstreamNames, problems, check));
            }
        }
        PluginsConfig config = problems.build(root, () -> new PluginsConfig(byKind));
        return config == null ? PluginsConfig.empty() : config;
    }

    private static Map<String, List<PluginEntry>> bindKind(String kind, JsonNode scopes, FieldPath path,
            Set<String> upstreamNames, Problems problems, PluginCheck check) {
        Map<String, List<PluginEntry>> byScope = new HashMap<>();
        for (Map.Entry<String, JsonNode> scope : scopes.properties()) {
            String name = scope.getKey();
            FieldPath at = path.child(name);
            if (name.startsWith("_") && !name.equals(PluginsConfig.GLOBAL_SCOPE)) {
                continue;
            }
            if (!name.equals(PluginsConfig.GLOBAL_SCOPE) && !upstreamNames.contains(name)) {
                problems.atKey(at, "no upstream named '" + name + "'; a plugin scope is _global or a name from"
                        + " proxy.upstreams" + Suggestions.hint(name, upstreamNames), Suggestions.closest(name, upstreamNames));
                continue;
            }
            if (scope.getValue().isArray()) {
                byScope.put(name, entries(kind, name, scope.getValue(), at, problems, check));
            }
        }
        return byScope;
    }

    private static List<PluginEntry> entries(String kind, String scope, JsonNode list, FieldPath path,
            Problems problems, PluginCheck check) {
        List<PluginEntry> entries = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            FieldPath at = path.index(i);
            String handler = Nodes.string(item, "handler").orElse(null);
            JsonNode config = item.path("config").isObject() ? item.get("config")
                    : JsonNodeFactory.instance.objectNode();
            if (handler != null) {
                PluginEntry entry = new PluginEntry(kind, scope, handler, config, problems.map().value(at));
                for (PluginCheck.Issue issue : check.check(entry)) {
                    FieldPath where = at;
                    for (Object segment : issue.path()) {
                        where = segment instanceof Integer index ? where.index(index) : where.child(String.valueOf(segment));
                    }
                    if (issue.atKey()) {
                        problems.atKey(where, issue.message());
                    } else {
                        problems.at(where, issue.message());
                    }
                }
                entries.add(entry);
            }
        }
        return entries;
    }
}
