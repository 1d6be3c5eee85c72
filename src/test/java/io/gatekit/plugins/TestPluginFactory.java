package io.gatekit.plugins;

import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plugin handler made in a test: its name, family, options schema (JSON text) and how an entry becomes a plugin. */
record TestPluginFactory(String handler, PluginKind kind, String schema, boolean upstreamOnly,
        Function<PluginSetup, Plugin> maker) implements PluginFactory {

    static TestPluginFactory of(String handler, PluginKind kind, Function<PluginSetup, Plugin> maker) {
        return new TestPluginFactory(handler, kind, "{\"additionalProperties\": true}", false, maker);
    }

    @Override
    public String description() {
        return "test plugin " + handler;
    }

    @Override
    public JsonNode optionsSchema() {
        return JsonMapper.shared().readTree(schema);
    }

    @Override
    public Plugin create(PluginSetup setup) {
        return maker.apply(setup);
    }
}
