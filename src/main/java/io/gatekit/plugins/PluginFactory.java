package io.gatekit.plugins;

import tools.jackson.databind.JsonNode;

/**
 * Makes plugins of one handler: the service Gatekit finds with {@link java.util.ServiceLoader}, both for its
 * built-ins and for third-party jars (on the class path, or dropped in the {@code plugins/} directory next to the
 * config file). A factory is stateless: it describes the handler (name, family, options) and creates one plugin
 * per configured entry.
 */
public interface PluginFactory {

    /** The name configs use in {@code handler:}; lowercase letters, digits and {@code _}. */
    String handler();

    PluginKind kind();

    /** One sentence for {@code validate} and the generated schema. */
    String description();

    /**
     * The JSON Schema (draft 2020-12) of the entry's {@code config} object, without the framework fields
     * ({@code enabled}, {@code priority}, {@code critical}), which Gatekit adds. Prefer
     * {@code "additionalProperties": false}, so a misspelt option is reported instead of ignored.
     */
    JsonNode optionsSchema();

    /** Whether the handler makes sense only for one upstream at a time (it may not be used under {@code _global}). */
    default boolean upstreamOnly() {
        return false;
    }

    /** The priority (0-100, lower runs first) an entry gets when it names none; ignored for auditing plugins. */
    default int defaultPriority() {
        return 50;
    }

    /** Whether an entry fails closed when it names no {@code critical}. */
    default boolean defaultCritical() {
        return true;
    }

    /**
     * Creates a plugin from valid options (the schema has been checked).
     *
     * @throws IllegalArgumentException with a message for the user when the options are wrong in a way the schema
     *     cannot say (a path that does not exist, a regular expression that does not compile)
     */
    Plugin create(PluginSetup setup);
}
