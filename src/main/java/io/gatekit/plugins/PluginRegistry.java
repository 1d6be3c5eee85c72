package io.gatekit.plugins;

import io.gatekit.config.ConfigException;
import io.gatekit.config.ConfigProblem;
import io.gatekit.config.PluginEntry;
import io.gatekit.config.PluginsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The plugin handlers this build of Gatekit provides, and the check that a config names only those. A config
 * that asks for a handler Gatekit lacks is refused at start, with file and line: silently running without a
 * security or auditing plugin someone configured would be worse than not starting (fail closed).
 */
public final class PluginRegistry {
    private final Set<String> handlers;

    private PluginRegistry(Set<String> handlers) {
        this.handlers = Set.copyOf(handlers);
    }

    /** The handlers built into this version (the pipeline and its first plugins are the next milestone). */
    public static PluginRegistry builtIn() {
        return new PluginRegistry(Set.of());
    }

    public Set<String> handlers() {
        return handlers;
    }

    /** Throws {@link ConfigException} listing every enabled entry whose handler is not available. */
    public void verify(PluginsConfig plugins) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (Map<String, List<PluginEntry>> scopes : plugins.byKind().values()) {
            for (List<PluginEntry> entries : scopes.values()) {
                for (PluginEntry entry : entries) {
                    if (entry.config().path("enabled").asBoolean(true) && !handlers.contains(entry.handler())) {
                        problems.add(new ConfigProblem(entry.location(), "Handler '" + entry.handler()
                                + "' is not available in this version of Gatekit (available: "
                                + (handlers.isEmpty() ? "none yet" : String.join(", ", new TreeSet<>(handlers)))
                                + "); remove the entry or set enabled: false under its config"));
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
