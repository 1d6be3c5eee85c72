package io.gatekit.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Rewrites the two shorthands Python Gatekit accepts into the one shape the schema describes, so the schema
 * stays simple and its errors stay readable:
 * <ul>
 *   <li>{@code key: ~} or a bare {@code key:} means the key is not set (Python's Optional fields);</li>
 *   <li>a single upstream mapping under {@code proxy.upstreams} is a one-element list.</li>
 * </ul>
 * Plugin {@code config} objects are left exactly as written: their meaning belongs to the plugin.
 */
final class Normalizer {

    private Normalizer() {}

    static void normalize(JsonNode root, Problems problems) {
        dropNulls(root, FieldPath.ROOT);
        if (root.path("proxy").path("upstreams").isObject()) {
            ObjectNode proxy = (ObjectNode) root.get("proxy");
            ArrayNode list = JsonNodeFactory.instance.arrayNode().add(proxy.get("upstreams"));
            proxy.set("upstreams", list);
            problems.wrapInList(FieldPath.of("proxy", "upstreams"), 0);
        }
    }

    private static void dropNulls(JsonNode node, FieldPath path) {
        if (isOpaque(path)) {
            return;
        }
        if (node instanceof ObjectNode object) {
            List<String> nulls = new ArrayList<>();
            for (Map.Entry<String, JsonNode> entry : object.properties()) {
                if (entry.getValue().isNull()) {
                    nulls.add(entry.getKey());
                } else {
                    dropNulls(entry.getValue(), path.child(entry.getKey()));
                }
            }
            nulls.forEach(object::remove);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                dropNulls(node.get(i), path.index(i));
            }
        }
    }

    /** {@code plugins.<kind>.<scope>[i].config}, and {@code plugins.<kind>._anchor} holders. */
    private static boolean isOpaque(FieldPath path) {
        if (!"plugins".equals(path.name(0))) {
            return false;
        }
        String scope = path.name(2);
        boolean anchorHolder = path.depth() == 3 && scope != null && scope.startsWith("_")
                && !scope.equals(PluginsConfig.GLOBAL_SCOPE);
        return anchorHolder || (path.depth() == 5 && "config".equals(path.name(4)));
    }
}
