package io.gatekit.plugins;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One configured entry made into a plugin: which handler, its framework settings, the options it was made from
 * (so a reload can keep an unchanged entry's instance, and its open files), the instance, and the scope it was
 * configured under (null for {@code _global}).
 */
public record InstalledPlugin(String handler, PluginKind kind, PluginSettings settings, JsonNode options, Plugin plugin,
        @Nullable String scope) {

    public InstalledPlugin {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(settings, "settings");
        options = options.deepCopy();
        Objects.requireNonNull(plugin, "plugin");
    }

    /** Whether this instance was made from the same entry as {@code other} would be. */
    boolean sameEntry(String otherHandler, JsonNode otherOptions) {
        return handler.equals(otherHandler) && options.equals(otherOptions);
    }
}
