package io.gatekit.jsonrpc;

import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The reserved {@code _meta} keys of the modern (2026-07-28) era, for both faces of the gateway: a request's
 * envelope (version, client capabilities and info, log level), the server's info, the tag of a
 * {@code subscriptions/listen} stream; and the rule for the upstream edge, where a legacy upstream gets none of
 * the envelope ({@link #withoutModernEnvelope}). The headers are {@link McpHeaders}, the versions
 * {@link ProtocolVersions}.
 */
public final class McpMeta {
    public static final String PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    public static final String CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    public static final String CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    public static final String SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    public static final String LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    public static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";

    /**
     * The keys of the 2026-07-28 request envelope. Only these are taken off for a handshake-era upstream: other
     * reserved keys, such as 2025-11-25's {@code io.modelcontextprotocol/related-task}, belong to that era too.
     */
    private static final Set<String> MODERN_ENVELOPE = Set.of(PROTOCOL_VERSION, CLIENT_CAPABILITIES,
            CLIENT_INFO, LOG_LEVEL);

    private McpMeta() {}

    /**
     * {@code params} as a handshake-era upstream must see them: without the 2026-07-28 envelope keys in
     * {@code _meta} (and without {@code _meta} when nothing else is left in it), since servers of that era may
     * refuse a request that carries them. Everything else ({@code progressToken}, vendor keys, every other member)
     * is kept as it is, shared rather than copied, so raw {@code tools/call} arguments stay raw. Pure: returns
     * {@code params} itself when there is nothing to take off, else a new object; never changes its argument.
     */
    public static @Nullable JsonNode withoutModernEnvelope(@Nullable JsonNode params) {
        if (!(params instanceof ObjectNode object) || !(object.get("_meta") instanceof ObjectNode meta)
                || !hasModernKey(meta)) {
            return params;
        }
        ObjectNode keptMeta = meta.objectNode();
        for (Map.Entry<String, JsonNode> entry : meta.properties()) {
            if (!MODERN_ENVELOPE.contains(entry.getKey())) {
                keptMeta.set(entry.getKey(), entry.getValue());
            }
        }
        ObjectNode copy = object.objectNode();
        for (Map.Entry<String, JsonNode> entry : object.properties()) {
            if (!entry.getKey().equals("_meta")) {
                copy.set(entry.getKey(), entry.getValue());
            } else if (!keptMeta.isEmpty()) {
                copy.set("_meta", keptMeta);
            }
        }
        return copy;
    }

    private static boolean hasModernKey(ObjectNode meta) {
        for (String key : meta.propertyNames()) {
            if (MODERN_ENVELOPE.contains(key)) {
                return true;
            }
        }
        return false;
    }
}
