package io.gatekit.plugins.middleware;

import io.gatekit.plugins.Plugin;
import io.gatekit.plugins.PluginFactory;
import io.gatekit.plugins.PluginKind;
import io.gatekit.plugins.PluginSetup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes {@code tool_manager} plugins. Configured per upstream only: a tool list names one upstream's tools. Options
 * (the original's): {@code tools: [{tool, display_name?, display_description?}]}, required.
 */
public final class ToolManagerFactory implements PluginFactory {

    @Override
    public String handler() {
        return ToolManager.HANDLER;
    }

    @Override
    public PluginKind kind() {
        return PluginKind.MIDDLEWARE;
    }

    @Override
    public String description() {
        return "Chooses which of an upstream's tools clients see and may call (the tools list is an allow-list),"
                + " and the names and descriptions they see them under.";
    }

    @Override
    public JsonNode optionsSchema() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        String namePattern = ToolPolicy.NAME.pattern();
        ObjectNode entry = nodes.objectNode();
        entry.put("type", "object");
        entry.put("additionalProperties", false);
        entry.putArray("required").add("tool");
        ObjectNode entryProperties = entry.putObject("properties");
        entryProperties.putObject("tool").put("type", "string").put("pattern", namePattern)
                .put("description", "the upstream's own name of a tool clients may see and call");
        entryProperties.putObject("display_name").put("type", "string").put("pattern", namePattern)
                .put("description", "the name clients see instead (the gateway prefixes it with the upstream's name)");
        entryProperties.putObject("display_description").put("type", "string")
                .put("description", "the description clients see instead of the upstream's");

        ObjectNode schema = nodes.objectNode();
        schema.put("type", "object");
        schema.put("additionalProperties", false);
        schema.putArray("required").add("tools");
        ObjectNode tools = schema.putObject("properties").putObject("tools");
        tools.put("type", "array");
        tools.put("description", "the tools clients see; every other tool of the upstream is hidden (tools: [] hides all)");
        tools.set("items", entry);
        // The original's removed 'mode' key is let through here (a pattern, so it is not offered as an option) for
        // create() to refuse with an explanation instead of a bare "unknown option".
        schema.putObject("patternProperties").putObject("^mode$")
                .put("description", "no longer supported: the tools list is an implicit allow-list");
        return schema;
    }

    @Override
    public boolean upstreamOnly() {
        return true;
    }

    @Override
    public Plugin create(PluginSetup setup) {
        return new ToolManager(ToolPolicy.of(setup.options()));
    }
}
