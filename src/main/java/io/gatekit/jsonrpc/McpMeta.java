package io.gatekit.jsonrpc;

import org.jspecify.annotations.Nullable;

/**
 * What both faces of the gateway read and write of the stateless 2026-07-28 revision: the reserved {@code _meta}
 * keys (a request's envelope of version, client capabilities and info, log level; the server's info; the tag of a
 * {@code subscriptions/listen} stream), the request headers, and which member the {@code Mcp-Name} header names.
 */
public final class McpMeta {
    /** The first stateless revision. */
    public static final String STATELESS_VERSION = "2026-07-28";
    public static final String PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    public static final String CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    public static final String CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    public static final String SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    public static final String LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    public static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";

    public static final String METHOD_HEADER = "Mcp-Method";
    public static final String NAME_HEADER = "Mcp-Name";
    public static final String VERSION_HEADER = "MCP-Protocol-Version";

    private McpMeta() {}

    /** What {@code Mcp-Name} carries for this request (the tool or prompt name, the resource URI), or null. */
    public static @Nullable String nameHeader(JsonRpcMessage.Request request) {
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
