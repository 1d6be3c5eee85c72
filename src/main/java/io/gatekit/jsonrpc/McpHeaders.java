package io.gatekit.jsonrpc;

import org.jspecify.annotations.Nullable;

/**
 * The HTTP headers of MCP's Streamable HTTP transport, for both faces: the legacy era's session and stream
 * resumption, and the request metadata every request carries ({@code MCP-Protocol-Version} since 2025-06-18;
 * {@code Mcp-Method} and {@code Mcp-Name}, mirroring the body, since 2026-07-28). Header names compare
 * case-insensitively; these are the spellings the specification uses.
 */
public final class McpHeaders {
    public static final String SESSION_ID = "Mcp-Session-Id";
    public static final String PROTOCOL_VERSION = "MCP-Protocol-Version";
    public static final String METHOD = "Mcp-Method";
    public static final String NAME = "Mcp-Name";
    public static final String LAST_EVENT_ID = "Last-Event-ID";

    private McpHeaders() {}

    /** What {@code Mcp-Name} carries for this request (the tool or prompt name, the resource URI), or null. */
    public static @Nullable String nameOf(JsonRpcMessage.Request request) {
        if (request.params() == null) {
            return null;
        }
        tools.jackson.databind.JsonNode value = switch (request.method()) {
            case "tools/call", "prompts/get" -> request.params().get("name");
            case "resources/read" -> request.params().get("uri");
            default -> null;
        };
        return value != null && value.isString() ? value.stringValue() : null;
    }
}
