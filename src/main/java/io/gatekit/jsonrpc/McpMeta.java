package io.gatekit.jsonrpc;

/**
 * The reserved {@code _meta} keys of the stateless 2026-07-28 revision, which both faces of the gateway read and
 * write: a request's envelope (version, client capabilities and info, log level), the server's info, and the tag
 * of a {@code subscriptions/listen} stream.
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

    private McpMeta() {}
}
