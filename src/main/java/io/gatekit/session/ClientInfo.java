package io.gatekit.session;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** What a client declared in {@code initialize}: negotiated version, capabilities, and its name. */
public record ClientInfo(String protocolVersion, JsonNode capabilities, JsonNode clientInfo) {

    /** Before initialize: no capabilities, so nothing is forwarded that needs one. */
    public static final ClientInfo UNKNOWN =
            new ClientInfo(null, JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode());

    public boolean hasCapability(String name) {
        return capabilities != null && capabilities.has(name);
    }

    public String name() {
        return clientInfo == null ? "unknown" : clientInfo.path("name").asString("unknown");
    }
}
