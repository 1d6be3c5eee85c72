package io.gatekit.config;

import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * One {@code - handler: x / config: {...}} item under {@code plugins.<kind>.<scope>}. Whether the handler
 * exists and whether its config is valid is decided by the plugin layer, which reports against {@link #location}.
 *
 * @param kind {@code security}, {@code middleware} or {@code auditing}
 * @param scope {@code _global} or the name of a configured upstream
 * @param config the entry's {@code config} object, empty when absent; framework fields such as {@code enabled},
 *     {@code priority} and {@code critical} live inside it
 * @param location the list item, e.g. {@code plugins.security._global[0]}
 */
public record PluginEntry(String kind, String scope, String handler, JsonNode config, SourceLocation location) {

    public PluginEntry {
        if (!PluginsConfig.KINDS.contains(Objects.requireNonNull(kind, "kind"))) {
            throw new IllegalArgumentException("plugin kind must be one of " + PluginsConfig.KINDS + ", got " + kind);
        }
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(handler, "handler");
        if (!Objects.requireNonNull(config, "config").isObject()) {
            throw new IllegalArgumentException("plugin config must be an object");
        }
        // JsonNode is mutable; own a private copy so the record stays a value.
        config = config.deepCopy();
        Objects.requireNonNull(location, "location");
    }

    /** A copy of the entry's config object; changing it does not change this entry. */
    @Override
    public JsonNode config() {
        return config.deepCopy();
    }
}
