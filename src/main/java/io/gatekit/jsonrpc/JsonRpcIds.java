package io.gatekit.jsonrpc;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Helpers for JSON-RPC ids, which MCP restricts to strings and integers. */
public final class JsonRpcIds {
    private JsonRpcIds() {}

    /** True for a string or an integral number: MCP forbids null, fractions and other types. */
    public static boolean isValid(JsonNode id) {
        return id != null && (id.isString() || id.isIntegralNumber());
    }

    public static JsonNode of(long value) {
        return JsonNodeFactory.instance.numberNode(value);
    }

    public static JsonNode of(String value) {
        return JsonNodeFactory.instance.stringNode(value);
    }

    /**
     * Whether two ids name the same request. Numbers compare by value: an id sent as a long comes back decoded as
     * whatever width the parser picked, and Jackson's nodes of different widths are never equal.
     */
    public static boolean same(@Nullable JsonNode a, @Nullable JsonNode b) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        if (a.isIntegralNumber() && b.isIntegralNumber()) {
            return a.bigIntegerValue().equals(b.bigIntegerValue());
        }
        return a.equals(b);
    }

    /** A short printable form for error messages and logs: strings quoted, numbers bare. */
    public static String describe(@Nullable JsonNode id) {
        if (id == null || id.isNull()) {
            return "null";
        }
        return id.isString() ? '"' + id.stringValue() + '"' : id.toString();
    }
}
