package io.gatekit.security;

import io.gatekit.jsonrpc.RawJson;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.SerializableString;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.POJONode;
import tools.jackson.databind.util.RawValue;

/**
 * Visits every leaf of a JSON tree (object values and array elements; keys are not leaves) and rebuilds, copy on
 * write, only the containers above leaves that changed. An unchanged tree comes back as the same instance; a changed
 * one is a new tree sharing every untouched subtree with the original, which is never modified (messages are shared
 * by everything that handles them). The walk keeps its own stack, so a hostile nesting depth costs memory in
 * proportion, never a stack overflow.
 *
 * <p>A value still held as raw bytes (the gateway reads bodies into trees before plugins that read them, so this
 * is a safety net) is parsed and walked like the rest; it is replaced only if something in it changed.
 */
final class TreeRewrite {

    /** Decides about one leaf. */
    @FunctionalInterface
    interface LeafRewriter {
        /** The value to put in place of {@code leaf}, or null to keep it. */
        @Nullable JsonNode rewrite(JsonNode leaf);
    }

    private TreeRewrite() {}

    /**
     * {@code root} with each leaf the rewriter replaces replaced; walks no further once {@code stop} says so (what
     * has been built by then is returned, and the caller is expected to discard it).
     */
    static JsonNode apply(JsonNode root, LeafRewriter rewriter, BooleanSupplier stop) {
        JsonNode start = readable(root);
        if (!start.isContainer()) {
            JsonNode replaced = rewriter.rewrite(start);
            return replaced != null ? replaced : root;
        }
        ArrayDeque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(start));
        while (true) {
            Frame top = stack.peek();
            JsonNode child = stop.getAsBoolean() ? null : top.nextChild();
            if (child == null) {
                stack.pop();
                JsonNode result = top.result();
                Frame parent = stack.peek();
                if (parent == null) {
                    return result != null ? result : root;
                }
                if (result != null) {
                    parent.replaceCurrent(result);
                }
                continue;
            }
            JsonNode value = readable(child);
            if (value.isContainer()) {
                stack.push(new Frame(value));
                continue;
            }
            JsonNode replaced = rewriter.rewrite(value);
            if (replaced != null) {
                top.replaceCurrent(replaced);
            }
        }
    }

    /** {@code node}, or the tree its raw bytes hold. */
    private static JsonNode readable(JsonNode node) {
        if (!RawJson.isRaw(node) || !(node instanceof POJONode pojo) || !(pojo.getPojo() instanceof RawValue raw)
                || !(raw.rawValue() instanceof SerializableString bytes)) {
            return node;
        }
        return JsonMapper.shared().readTree(bytes.getValue());
    }

    /** One container being walked: where the walk is in it, and its copy once a child changed. */
    private static final class Frame {
        private final JsonNode original;
        private final @Nullable Iterator<Map.Entry<String, JsonNode>> members;
        private int nextIndex;
        private @Nullable String currentKey;
        private int currentIndex = -1;
        private @Nullable JsonNode copy;

        Frame(JsonNode container) {
            this.original = container;
            this.members = container.isObject() ? container.properties().iterator() : null;
        }

        @Nullable JsonNode nextChild() {
            if (members != null) {
                if (!members.hasNext()) {
                    return null;
                }
                Map.Entry<String, JsonNode> member = members.next();
                currentKey = member.getKey();
                return member.getValue();
            }
            if (nextIndex >= original.size()) {
                return null;
            }
            currentIndex = nextIndex++;
            return original.get(currentIndex);
        }

        void replaceCurrent(JsonNode value) {
            if (original instanceof ObjectNode object) {
                ObjectNode changed = copy instanceof ObjectNode existing ? existing
                        : JsonNodeFactory.instance.objectNode().setAll(object);
                changed.set(Objects.requireNonNull(currentKey), value);
                copy = changed;
            } else {
                ArrayNode changed = copy instanceof ArrayNode existing ? existing
                        : JsonNodeFactory.instance.arrayNode(original.size()).addAll((ArrayNode) original);
                changed.set(currentIndex, value);
                copy = changed;
            }
        }

        /** The changed copy, or null when nothing below this container changed. */
        @Nullable JsonNode result() {
            return copy;
        }
    }
}
