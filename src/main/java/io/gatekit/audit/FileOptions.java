package io.gatekit.audit;

import io.gatekit.plugins.PluginSetup;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The options every file-writing auditing entry has: {@code output_file} (relative to the config file's directory,
 * {@code ~} for the home directory), {@code max_file_size_mb} and {@code backup_count} (rotation, the original's
 * defaults 10 and 5), and {@code event_buffer_size}, the records that may wait for the writer before new ones are
 * dropped.
 */
record FileOptions(Path outputFile, AuditWriter.Settings settings) {
    static final double DEFAULT_MAX_FILE_SIZE_MB = 10;
    static final int DEFAULT_BACKUP_COUNT = 5;
    static final int DEFAULT_EVENT_BUFFER_SIZE = 10_000;
    static final int MAX_EVENT_BUFFER_SIZE = 1_000_000;

    static FileOptions of(PluginSetup setup, String defaultFile) {
        JsonNode options = setup.options();
        double megabytes = options.path("max_file_size_mb").asDouble(DEFAULT_MAX_FILE_SIZE_MB);
        long maxBytes = Math.max(1, (long) (megabytes * 1024 * 1024));
        return new FileOptions(setup.resolve(options.path("output_file").asString(defaultFile)),
                new AuditWriter.Settings(maxBytes, options.path("backup_count").asInt(DEFAULT_BACKUP_COUNT),
                        options.path("event_buffer_size").asInt(DEFAULT_EVENT_BUFFER_SIZE)));
    }

    /** The options schema of a file-writing entry, with these options; the caller adds its own properties. */
    static ObjectNode schema(String description, String defaultFile) {
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        schema.put("type", "object");
        schema.put("description", description);
        schema.put("additionalProperties", false);
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("output_file").put("type", "string").put("minLength", 1).put("default", defaultFile)
                .put("description", "the file to write; relative paths are relative to the config file's directory");
        properties.putObject("max_file_size_mb").put("type", "number").put("exclusiveMinimum", 0)
                .put("default", DEFAULT_MAX_FILE_SIZE_MB)
                .put("description", "the size at which the file is rotated to <file>.1 (older ones move up)");
        properties.putObject("backup_count").put("type", "integer").put("minimum", 0).put("default", DEFAULT_BACKUP_COUNT)
                .put("description", "rotated files kept (<file>.1 .. <file>.N); 0 never rotates");
        properties.putObject("event_buffer_size").put("type", "integer").put("minimum", 1)
                .put("maximum", MAX_EVENT_BUFFER_SIZE).put("default", DEFAULT_EVENT_BUFFER_SIZE)
                .put("description", "records that may wait for the file's writer; beyond, new records are dropped,"
                        + " counted and marked in the file");
        return schema;
    }

    /** The {@code properties} of a schema made by {@link #schema}. */
    static ObjectNode properties(ObjectNode schema) {
        return (ObjectNode) schema.get("properties");
    }
}
