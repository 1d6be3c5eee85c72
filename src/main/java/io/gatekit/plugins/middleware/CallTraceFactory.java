package io.gatekit.plugins.middleware;

import io.gatekit.plugins.Plugin;
import io.gatekit.plugins.PluginFactory;
import io.gatekit.plugins.PluginKind;
import io.gatekit.plugins.PluginSetup;
import java.time.Clock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes {@code call_trace} plugins. Options (the original's): {@code max_param_length} (200) and
 * {@code trace_fields.{server, tool, params, response_size, duration, request_id, timestamp}} (all true). Runs late
 * by default (priority 90), so the trace describes the call as the other filters left it.
 */
public final class CallTraceFactory implements PluginFactory {

    @Override
    public String handler() {
        return CallTrace.HANDLER;
    }

    @Override
    public PluginKind kind() {
        return PluginKind.MIDDLEWARE;
    }

    @Override
    public String description() {
        return "Appends a trace block (upstream, tool, arguments, result size, duration, request id, time) to each"
                + " successful tool result, to find the call in the audit log.";
    }

    @Override
    public JsonNode optionsSchema() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode schema = nodes.objectNode();
        schema.put("type", "object");
        schema.put("additionalProperties", false);
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("max_param_length").put("type", "integer").put("minimum", 0)
                .put("default", TraceOptions.DEFAULT_MAX_PARAM_LENGTH)
                .put("description", "the most characters of the arguments' JSON shown ('...' marks a cut)");
        ObjectNode fields = properties.putObject("trace_fields");
        fields.put("type", "object");
        fields.put("additionalProperties", false);
        fields.put("description", "which lines the trace block has (each true unless set to false)");
        ObjectNode each = fields.putObject("properties");
        for (String field : TraceOptions.FIELDS) {
            each.putObject(field).put("type", "boolean").put("default", true);
        }
        return schema;
    }

    @Override
    public int defaultPriority() {
        return 90;
    }

    @Override
    public Plugin create(PluginSetup setup) {
        return new CallTrace(TraceOptions.of(setup.options()), Clock.systemUTC(), System::nanoTime);
    }
}
