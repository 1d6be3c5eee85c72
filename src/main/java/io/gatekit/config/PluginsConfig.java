package io.gatekit.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code plugins:} section as written: kind ({@code security}, {@code middleware}, {@code auditing}) to scope
 * ({@code _global} or an upstream name) to entries in config order. Every kind is present, possibly with no
 * scopes; keys starting with {@code _} other than {@code _global} (YAML anchor holders) are not kept.
 */
public record PluginsConfig(Map<String, Map<String, List<PluginEntry>>> byKind) {

    static final Set<String> KINDS = Set.of("security", "middleware", "auditing");
    static final String GLOBAL_SCOPE = "_global";

    public PluginsConfig {
        Map<String, Map<String, List<PluginEntry>>> copy = new HashMap<>();
        for (String kind : KINDS) {
            copy.put(kind, Map.of());
        }
        byKind.forEach((kind, scopes) -> {
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException("plugin kind must be one of " + KINDS + ", got " + kind);
            }
            Map<String, List<PluginEntry>> scopeCopy = new HashMap<>();
            scopes.forEach((scope, entries) -> scopeCopy.put(scope, List.copyOf(entries)));
            copy.put(kind, Map.copyOf(scopeCopy));
        });
        byKind = Map.copyOf(copy);
    }

    /** No plugins at all. */
    public static PluginsConfig empty() {
        return new PluginsConfig(Map.of());
    }

    /** The entries of one kind and scope in config order; empty when there are none. */
    public List<PluginEntry> entries(String kind, String scope) {
        return byKind.getOrDefault(kind, Map.of()).getOrDefault(scope, List.of());
    }
}
