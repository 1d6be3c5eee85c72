package io.gatekit.jsonrpc;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** The {@code error} member of a JSON-RPC response. {@code data} may be null. */
public record JsonRpcError(int code, String message, @Nullable JsonNode data) {

    public JsonRpcError {
        if (message == null) {
            throw new IllegalArgumentException("a JSON-RPC error needs a message");
        }
    }

    public static JsonRpcError of(int code, String message) {
        return new JsonRpcError(code, message, null);
    }

    public static JsonRpcError of(ErrorCode code, String message) {
        return new JsonRpcError(code.code(), message, null);
    }
}
