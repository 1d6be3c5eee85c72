package io.gatekit.session;

import io.gatekit.jsonrpc.ProtocolVersions;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** What a client declared in {@code initialize}: negotiated version, capabilities, and its name. */
public record ClientInfo(@Nullable String protocolVersion, JsonNode capabilities, JsonNode clientInfo) {

    /** Before initialize: no capabilities, so nothing is forwarded that needs one. */
    public static final ClientInfo UNKNOWN =
            new ClientInfo(null, JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode());

    /**
     * The client capability a server-to-client request of {@code method} needs (a legacy request, or a 2026-07-28
     * multi round-trip input request), or null for a method that needs none the gateway knows of.
     */
    public static @Nullable String capabilityFor(String method) {
        return switch (method) {
            case "sampling/createMessage" -> "sampling";
            case "roots/list" -> "roots";
            case "elicitation/create" -> "elicitation";
            default -> null;
        };
    }

    public boolean hasCapability(String name) {
        return capabilities != null && capabilities.has(name);
    }

    /** Whether the client speaks the modern era: it is then answered in the 2026-07-28 shapes. */
    public boolean isModern() {
        return ProtocolVersions.isModernEra(protocolVersion);
    }

    public String name() {
        return clientInfo == null ? "unknown" : clientInfo.path("name").asString("unknown");
    }
}
