package io.gatekit.jsonrpc;

/**
 * The JSON-RPC error codes the gateway itself emits. The standard ones keep their JSON-RPC meaning; the
 * gateway's own live in the implementation-defined range -32000..-32019, which MCP leaves to servers.
 */
public enum ErrorCode {
    PARSE_ERROR(-32700),
    INVALID_REQUEST(-32600),
    METHOD_NOT_FOUND(-32601),
    INVALID_PARAMS(-32602),
    INTERNAL_ERROR(-32603),
    /** The upstream that would serve the request is not running (starting, restarting, or given up). */
    UPSTREAM_UNAVAILABLE(-32000),
    /** The request outlived {@code request_timeout}; the upstream was told to cancel it. Same code as the SDKs use. */
    REQUEST_TIMEOUT(-32001),
    /** An in-flight ceiling is full; nothing was sent upstream, the client may retry later. */
    OVERLOADED(-32004),
    /** The upstream connection closed while the request was in flight. */
    UPSTREAM_CLOSED(-32005),
    /** The gateway is shutting down. */
    SHUTTING_DOWN(-32006),
    /**
     * The gateway could not start because its configuration is invalid: the stdio face answers the client's first
     * request with this (every problem in {@code data.problems}), then the process exits.
     */
    CONFIGURATION_INVALID(-32007),
    /** A security plugin blocked the request, or the response to it; {@code data} names the plugin and why. */
    BLOCKED_BY_POLICY(-32010),
    /** A critical plugin failed on the message, which was therefore not processed (fail closed). */
    PLUGIN_FAILED(-32011);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
