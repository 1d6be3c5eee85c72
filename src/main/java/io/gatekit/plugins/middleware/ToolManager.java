package io.gatekit.plugins.middleware;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.plugins.MiddlewarePlugin;
import io.gatekit.plugins.PluginContext;
import io.gatekit.plugins.PluginDecision;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * {@code tool_manager}: one upstream's tools as its {@link ToolPolicy} says clients should see them. The upstream's
 * own {@code tools/list} page loses the tools the policy does not list and shows the others under their display
 * names and descriptions; a {@code tools/call} of a display name goes upstream under the tool's own name, and a
 * call of anything else the policy does not offer is answered here with -32601, so a hidden tool neither shows nor
 * runs. Names are the upstream's own (the gateway adds and strips the {@code upstream__} prefix around plugins).
 *
 * <p>Stateless apart from the immutable policy: safe for concurrent use.
 */
final class ToolManager implements MiddlewarePlugin {
    static final String HANDLER = "tool_manager";

    private final ToolPolicy policy;

    ToolManager(ToolPolicy policy) {
        this.policy = policy;
    }

    /**
     * The list pages are read (they are the gateway's own fetches, in trees already). A call needs only its name,
     * which stays readable when the bodies do not: saying no keeps the arguments and the result raw bytes.
     */
    @Override
    public boolean readsBodies(String method) {
        return method.equals("tools/list");
    }

    @Override
    public PluginDecision onRequest(Request request, PluginContext context) {
        if (!request.method().equals("tools/call") || !(request.params() instanceof ObjectNode params)
                || !(params.get("name") instanceof StringNode name)) {
            return PluginDecision.pass();
        }
        String asked = name.stringValue();
        String original = policy.callable(asked);
        if (original == null) {
            return PluginDecision.complete(Response.failure(request.id(), notAvailable(asked)),
                    "tool '" + asked + "' is hidden by the tool list");
        }
        if (original.equals(asked)) {
            return PluginDecision.pass();
        }
        // A new top-level object with the name replaced; the arguments are shared, not copied (they may be large
        // and raw, and nothing changes them).
        ObjectNode renamed = params.objectNode();
        renamed.setAll(params);
        renamed.put("name", original);
        return PluginDecision.modify(request.withParams(renamed), "tool '" + asked + "' is '" + original + "' upstream");
    }

    private static JsonRpcError notAvailable(String tool) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("reason", "hidden_by_policy");
        data.put("plugin", HANDLER);
        return new JsonRpcError(ErrorCode.METHOD_NOT_FOUND.code(), "Tool '" + tool + "' is not available", data);
    }

    @Override
    public PluginDecision onResponse(Request request, Response response, PluginContext context) {
        if (!request.method().equals("tools/list") || response.isError()
                || !(response.successResult() instanceof ObjectNode result)
                || !(result.get("tools") instanceof ArrayNode tools) || tools.isEmpty()) {
            return PluginDecision.pass();
        }
        // The page is shared (it is about to be merged and cached): work on a copy of it.
        ObjectNode copy = result.deepCopy();
        ArrayNode shown = copy.arrayNode();
        int hidden = 0;
        int renamed = 0;
        int described = 0;
        for (JsonNode tool : copy.get("tools")) {
            JsonNode name = tool.get("name");
            if (!(tool instanceof ObjectNode item) || name == null || !name.isString() || name.stringValue().isEmpty()
                    || !policy.allowed().contains(name.stringValue())) {
                hidden++; // not listed, or no usable name: a client could not call it anyway
                continue;
            }
            String original = name.stringValue();
            String displayName = policy.displayNames().get(original);
            if (displayName != null) {
                item.put("name", displayName);
                renamed++;
            }
            String description = policy.descriptions().get(original);
            if (description != null) {
                item.put("description", description);
                described++;
            }
            shown.add(item);
        }
        if (hidden == 0 && renamed == 0 && described == 0) {
            return PluginDecision.pass();
        }
        copy.set("tools", shown);
        return PluginDecision.modify(Response.success(response.id(), copy), summary(hidden, renamed, described));
    }

    private static String summary(int hidden, int renamed, int described) {
        List<String> parts = new ArrayList<>(3);
        if (hidden > 0) {
            parts.add("hid " + hidden + (hidden == 1 ? " tool" : " tools"));
        }
        if (renamed > 0) {
            parts.add("renamed " + renamed);
        }
        if (described > 0) {
            parts.add("replaced " + described + (described == 1 ? " description" : " descriptions"));
        }
        return String.join(", ", parts);
    }
}
