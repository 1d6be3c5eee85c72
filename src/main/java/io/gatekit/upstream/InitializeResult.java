package io.gatekit.upstream;

import io.gatekit.jsonrpc.ProtocolVersions;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** What an upstream said about itself when it was initialized. */
public record InitializeResult(String protocolVersion, JsonNode capabilities, JsonNode serverInfo, @Nullable String instructions) {

    static InitializeResult from(JsonNode result) {
        JsonNode caps = result.path("capabilities");
        JsonNode instructions = result.get("instructions");
        return new InitializeResult(
                result.path("protocolVersion").asString(""),
                caps.isObject() ? caps : JsonNodeFactory.instance.objectNode(),
                result.path("serverInfo"),
                instructions != null && instructions.isString() ? instructions.stringValue() : null);
    }

    /** True when the upstream speaks the 2026-07-28 era (asked on every call: no lookup beyond this). */
    public boolean isModern() {
        return ProtocolVersions.MODERN_VERSIONS.contains(protocolVersion);
    }

    /** True when the upstream declared the named server capability (tools, prompts, resources, ...). */
    public boolean has(String capability) {
        return capabilities.has(capability);
    }
}
