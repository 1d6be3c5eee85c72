package io.gatekit.audit;

import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.plugins.Plugin;
import io.gatekit.plugins.PluginFactory;
import io.gatekit.plugins.PluginKind;
import io.gatekit.plugins.PluginSetup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the built-in auditing handlers share: they are auditing plugins writing one file each, with the
 * {@link FileOptions} every such entry has; a handler adds its own options and makes its {@link FileAuditor}.
 */
abstract class FileAuditorFactory implements PluginFactory {
    private final String handler;
    private final String description;
    private final String defaultFile;

    FileAuditorFactory(String handler, String description, String defaultFile) {
        this.handler = handler;
        this.description = description;
        this.defaultFile = defaultFile;
    }

    @Override
    public final String handler() {
        return handler;
    }

    @Override
    public final PluginKind kind() {
        return PluginKind.AUDITING;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final JsonNode optionsSchema() {
        ObjectNode schema = FileOptions.schema(description, defaultFile);
        addOptions(FileOptions.properties(schema));
        return schema;
    }

    /** Adds the handler's own options to the schema's {@code properties}. */
    void addOptions(ObjectNode properties) {}

    @Override
    public final Plugin create(PluginSetup setup) {
        return create(setup, FileOptions.of(setup, defaultFile));
    }

    /** Makes the plugin from valid options; {@code file} holds the file options already read. */
    abstract Plugin create(PluginSetup setup, FileOptions file);

    /**
     * A codec for formats, used on the writer's platform thread: without a size limit of its own, since every
     * message it reads into a tree has passed the gateway's limits already.
     */
    static JsonRpcCodec formatCodec() {
        return new JsonRpcCodec(Integer.MAX_VALUE);
    }
}
