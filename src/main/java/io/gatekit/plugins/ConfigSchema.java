package io.gatekit.plugins;

import io.gatekit.config.ConfigLoader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The configuration's JSON Schema for editors (completion and checks as you type): the structure the loader
 * validates, with each plugin entry's {@code config} described by its handler's own schema, framework fields
 * included. Generated from the code, so it covers exactly the handlers a registry has (third-party ones too).
 */
public final class ConfigSchema {

    private ConfigSchema() {}

    public static JsonNode generate(PluginRegistry registry) {
        ObjectNode schema = (ObjectNode) ConfigLoader.schema();
        ObjectNode entry = (ObjectNode) schema.path("$defs").path("pluginEntry");
        ObjectNode handler = (ObjectNode) entry.path("properties").path("handler");
        ArrayNode names = handler.putArray("enum");
        ArrayNode rules = entry.putArray("allOf");
        for (PluginFactory factory : registry.factories()) {
            names.add(factory.handler());
            ObjectNode rule = rules.addObject();
            rule.putObject("if").putObject("properties").putObject("handler").put("const", factory.handler());
            ObjectNode config = PluginRegistry.fullSchema(factory);
            config.remove("$schema");
            config.put("description", "[" + factory.kind().configKey() + "] " + factory.description());
            rule.putObject("then").putObject("properties").set("config", config);
        }
        return schema;
    }
}
