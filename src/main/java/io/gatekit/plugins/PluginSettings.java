package io.gatekit.plugins;

import tools.jackson.databind.JsonNode;

/**
 * The framework fields every entry's {@code config} may carry, whatever the handler.
 *
 * @param enabled false leaves the entry out (and, under an upstream's scope, takes the global entry of the same
 *     handler away for that upstream)
 * @param priority 0-100, lower runs first; ties keep config order
 * @param critical true: a failure of the plugin fails the message (closed); false: it is logged and skipped
 */
public record PluginSettings(boolean enabled, int priority, boolean critical) {

    public static final int MIN_PRIORITY = 0;
    public static final int MAX_PRIORITY = 100;

    /** The fields as {@code options} gives them, the factory's defaults where it gives none. */
    public static PluginSettings of(JsonNode options, PluginFactory factory) {
        return new PluginSettings(options.path("enabled").asBoolean(true),
                options.path("priority").asInt(factory.defaultPriority()),
                options.path("critical").asBoolean(factory.defaultCritical()));
    }
}
