package io.gatekit.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The OpenTelemetry MCP semantic conventions the gateway's spans follow (status "Development", so kept here as our
 * own constants rather than from an incubating artifact): attribute keys, and the span name
 * {@code {mcp.method.name} {target}}, where the target is the tool or prompt name when the method has one.
 */
final class McpSpans {
    static final AttributeKey<String> METHOD_NAME = AttributeKey.stringKey("mcp.method.name");
    static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("mcp.session.id");
    static final AttributeKey<String> PROTOCOL_VERSION = AttributeKey.stringKey("mcp.protocol.version");
    static final AttributeKey<String> RESOURCE_URI = AttributeKey.stringKey("mcp.resource.uri");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("jsonrpc.request.id");
    static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
    static final AttributeKey<String> PROMPT_NAME = AttributeKey.stringKey("gen_ai.prompt.name");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> RESPONSE_STATUS_CODE = AttributeKey.stringKey("rpc.response.status_code");
    static final AttributeKey<String> NETWORK_TRANSPORT = AttributeKey.stringKey("network.transport");
    /** The gateway's own: which upstream served the request. */
    static final AttributeKey<String> UPSTREAM = AttributeKey.stringKey("gatekit.upstream");

    static final String TOOLS_CALL = "tools/call";
    static final String PROMPTS_GET = "prompts/get";

    private McpSpans() {}

    /** {@code method name} for a tool call or a prompt, else the method alone. */
    static String spanName(String method, @Nullable String target) {
        return target == null ? method : method + " " + target;
    }

    /** The {@code name} a tool call or prompt request names, or null. */
    static @Nullable String target(Request request) {
        String method = request.method();
        if (!method.equals(TOOLS_CALL) && !method.equals(PROMPTS_GET)) {
            return null;
        }
        JsonNode name = request.params() == null ? null : request.params().get("name");
        return name != null && name.isString() ? name.stringValue() : null;
    }

    /** The resource URI of a request about one resource, or null. */
    static @Nullable String resourceUri(Request request) {
        if (!request.method().startsWith("resources/") || request.params() == null) {
            return null;
        }
        JsonNode uri = request.params().get("uri");
        return uri != null && uri.isString() ? uri.stringValue() : null;
    }

    /** A JSON-RPC id as the convention records it: a string's text, a number's digits. */
    static String requestId(JsonNode id) {
        return id.isString() ? id.stringValue() : id.toString();
    }
}
