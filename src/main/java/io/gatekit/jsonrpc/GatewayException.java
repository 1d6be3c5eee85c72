package io.gatekit.jsonrpc;

/**
 * A failure the gateway reports to a client as a JSON-RPC error. Carries the exact error the client sees, so
 * every layer can fail with a precise message and the delivering code needs no mapping table.
 */
public final class GatewayException extends RuntimeException {
    private final transient JsonRpcError error;

    public GatewayException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.error = JsonRpcError.of(code, message);
    }

    public GatewayException(JsonRpcError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public JsonRpcError error() {
        return error;
    }
}
