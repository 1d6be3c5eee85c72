package io.gatekit.plugins;

import io.gatekit.config.ConfigPaths;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What a {@link PluginFactory} gets to create one plugin.
 *
 * @param options the entry's {@code config} object, framework fields included, already checked against the schema
 * @param upstream the upstream the entry is scoped to, or null for {@code _global}
 * @param baseDirectory the directory relative paths (audit files) resolve against: the config file's
 * @param settings the framework fields as Gatekit read them
 * @param shared resources several plugins may use at once (an audit file named by two entries): lease them here
 */
public record PluginSetup(JsonNode options, @Nullable String upstream, Path baseDirectory, PluginSettings settings,
        SharedResources shared) {

    public PluginSetup {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(baseDirectory, "baseDirectory");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(shared, "shared");
    }

    /** {@code path} resolved as the config file means it (a leading {@code ~} is the home directory). */
    public Path resolve(String path) {
        return ConfigPaths.resolve(baseDirectory, path);
    }
}
