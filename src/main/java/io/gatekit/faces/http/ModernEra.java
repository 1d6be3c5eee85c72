package io.gatekit.faces.http;

import io.gatekit.jsonrpc.McpHeaders;
import io.gatekit.jsonrpc.ProtocolVersions;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.jsonrpc.McpMeta;
import io.gatekit.session.ClientInfo;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The modern (2026-07-28, stateless) era of Streamable HTTP: how a request says it belongs to it (the protocol version in
 * {@code params._meta}), its headers and error codes, and the members its results must carry.
 */
final class ModernEra {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A header disagrees with the body (or a required one is missing). */
    static final int HEADER_MISMATCH = -32020;
    /** The requested protocol version is not supported; data names the supported and the requested ones. */
    static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    /** Complete results of these methods must say how long they may be cached and by whom. */
    private static final Set<String> CACHEABLE = Set.of("server/discover", "tools/list", "prompts/list", "resources/list",
            "resources/templates/list", "resources/read");
    private static final Pattern ENCODED = Pattern.compile("=\\?base64\\?(.*)\\?=");

    private ModernEra() {}

    /** The protocol version a request or notification names in {@code params._meta}, or null (legacy). */
    static @Nullable String requestedVersion(JsonRpcMessage message) {
        JsonNode params = switch (message) {
            case Request r -> r.params();
            case Notification n -> n.params();
            case Response ignored -> null;
        };
        JsonNode version = params == null ? null : params.path("_meta").get(McpMeta.PROTOCOL_VERSION);
        return version != null && version.isString() ? version.stringValue() : null;
    }

    static @Nullable String methodOf(JsonRpcMessage message) {
        return switch (message) {
            case Request r -> r.method();
            case Notification n -> n.method();
            case Response ignored -> null;
        };
    }

    /** What {@code Mcp-Name} must carry for this message, or null when the method has no name. */
    static @Nullable String nameOf(JsonRpcMessage message) {
        return message instanceof Request r ? McpHeaders.nameOf(r) : null;
    }

    /** A header value, with the {@code =?base64?...?=} form of non-ASCII values decoded. */
    static String headerValue(String raw) {
        Matcher matcher = ENCODED.matcher(raw.strip());
        if (matcher.matches()) {
            try {
                return new String(Base64.getDecoder().decode(matcher.group(1)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return raw;
            }
        }
        return raw.strip();
    }

    static JsonRpcError unsupported(String requested) {
        ObjectNode data = NODES.objectNode();
        ArrayNode supported = data.putArray("supported");
        ProtocolVersions.ALL.forEach(supported::add);
        data.put("requested", requested);
        return new JsonRpcError(UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version '" + requested
                + "'; supported: " + ProtocolVersions.ALL + " (" + ProtocolVersions.MODERN_VERSIONS + " without a session, the others after initialize)",
                data);
    }

    /**
     * Every 2026-07-28 request (server/discover included) must carry its client capabilities in {@code _meta}, as
     * an object: otherwise -32602 (HTTP 400) naming the key. Null when the envelope is fine.
     */
    static @Nullable JsonRpcError checkEnvelope(Request request) {
        JsonNode meta = request.params() == null ? null : request.params().get("_meta");
        JsonNode capabilities = meta == null ? null : meta.get(McpMeta.CLIENT_CAPABILITIES);
        String problem = capabilities == null ? "missing" : capabilities instanceof ObjectNode ? null : "not an object";
        if (problem == null) {
            return null;
        }
        ObjectNode data = NODES.objectNode();
        data.put("key", McpMeta.CLIENT_CAPABILITIES);
        data.put("problem", problem);
        return new JsonRpcError(io.gatekit.jsonrpc.ErrorCode.INVALID_PARAMS.code(), "Invalid _meta for protocol revision "
                + requestedVersion(request) + ": _meta[\"" + McpMeta.CLIENT_CAPABILITIES + "\"] is " + problem
                + " (every 2026-07-28 request must declare its client capabilities, {} for none)", data);
    }

    /** 2026-07-28: the request needs a client capability it did not declare. */
    static final int MISSING_CLIENT_CAPABILITY = -32021;

    /** Methods of the handshake era that 2026-07-28 removed: unknown to a modern request (404, -32601). */
    static final Set<String> LEGACY_ONLY_METHODS = Set.of("ping", "logging/setLevel", "resources/subscribe",
            "resources/unsubscribe");

    /**
     * What is wrong with a modern message's headers, or null. A header present must agree with the body; a request
     * must carry {@code MCP-Protocol-Version} and {@code Mcp-Method}, and {@code Mcp-Name} when its body names a
     * tool, prompt or resource (the revision sets no requirements for notifications). Either is {@code -32020},
     * HTTP 400. {@code Mcp-Method}'s agreement is checked for both eras before this.
     */
    static @Nullable JsonRpcError headerProblem(JsonRpcMessage message, String version, String versionHeader, String methodHeader,
            String nameHeader) {
        boolean request = message instanceof Request;
        if (versionHeader != null && !versionHeader.strip().equals(version)) {
            return mismatch("MCP-Protocol-Version is '" + versionHeader + "' but _meta[\"" + McpMeta.PROTOCOL_VERSION
                    + "\"] is '" + version + "'");
        }
        String name = nameOf(message);
        if (nameHeader != null && name != null && !headerValue(nameHeader).equals(name)) {
            return mismatch("Mcp-Name is '" + nameHeader + "' but the body names '" + name + "'");
        }
        if (request && versionHeader == null) {
            return missing(McpHeaders.PROTOCOL_VERSION);
        }
        if (request && methodHeader == null) {
            return missing(McpHeaders.METHOD);
        }
        if (name != null && nameHeader == null) {
            return missing(McpHeaders.NAME);
        }
        return null;
    }

    private static JsonRpcError missing(String header) {
        return JsonRpcError.of(HEADER_MISMATCH, "Header mismatch: the " + header + " header is missing; every 2026-07-28"
                + " request must mirror its body in MCP-Protocol-Version and Mcp-Method, and a tools/call, prompts/get or"
                + " resources/read its name in Mcp-Name");
    }

    static JsonRpcError legacyOnly(String method) {
        return JsonRpcError.of(io.gatekit.jsonrpc.ErrorCode.METHOD_NOT_FOUND, "Method not found: " + method
                + " belongs to the handshake era (2025-11-25 and earlier); revision 2026-07-28 does not have it");
    }

    /**
     * The HTTP status of a modern answer sent as JSON: 404 for a method the gateway does not have and 400 for a
     * missing client capability, as the revision asks (its clients tell a modern server's refusals from a legacy
     * server's by them), else 200.
     */
    static int status(Response answer) {
        JsonRpcError error = answer.error();
        if (error == null) {
            return 200;
        }
        int code = error.code();
        return code == io.gatekit.jsonrpc.ErrorCode.METHOD_NOT_FOUND.code() ? 404 : code == MISSING_CLIENT_CAPABILITY ? 400 : 200;
    }

    static JsonRpcError mismatch(String message) {
        return JsonRpcError.of(HEADER_MISMATCH, "Header mismatch: " + message);
    }

    /**
     * A stateless answer. A result that already names its {@code resultType} keeps it: an upstream's multi
     * round-trip {@code input_required} result (with its opaque {@code requestState}) reaches the client unchanged.
     * Any other success is {@code complete}, and complete results of cacheable methods carry {@code ttlMs} and
     * {@code cacheScope}: the gateway's merged hints when the list builder set them, else the conservative
     * {@code 0} / {@code "private"}. The answer to an MRTR retry (params with {@code inputResponses}) must not be
     * cached, so a cacheable one always says {@code ttlMs: 0}, {@code "private"}.
     */
    static Response complete(Request request, Response answer, JsonRpcCodec codec) {
        // A forwarded result may be kept as raw bytes; it needs a tree to gain members.
        if (answer.isError() || !(codec.materialize(answer.successResult()) instanceof ObjectNode result)) {
            return answer;
        }
        JsonNode declared = result.get("resultType");
        if (declared != null && declared.isString() && !declared.stringValue().equals("complete")) {
            JsonRpcError missing = "input_required".equals(declared.stringValue()) ? undeclaredInput(request, result) : null;
            return missing == null ? answer : Response.failure(answer.id(), missing);
        }
        ObjectNode copy = result.deepCopy();
        copy.put("resultType", "complete");
        boolean retry = request.params() != null && request.params().has("inputResponses");
        if (retry && CACHEABLE.contains(request.method())) {
            copy.put("ttlMs", 0);
            copy.put("cacheScope", "private");
        } else if (CACHEABLE.contains(request.method())) {
            JsonNode ttl = copy.path("ttlMs");
            if (!ttl.isIntegralNumber() || ttl.asLong() < 0) {
                copy.put("ttlMs", 0);
            }
            JsonNode scope = copy.path("cacheScope");
            if (!scope.isString()
                    || !(scope.stringValue().equals("public") || scope.stringValue().equals("private"))) {
                copy.put("cacheScope", "private");
            }
        }
        return Response.success(answer.id(), copy);
    }

    /**
     * An upstream may only ask a client for input it declared it can give (2026-07-28 MRTR). A result that asks
     * for more is not passed on: the client gets -32021 naming what is missing instead of a request it cannot
     * answer.
     */
    private static @Nullable JsonRpcError undeclaredInput(Request request, ObjectNode result) {
        JsonNode declared = request.params() == null ? null
                : request.params().path("_meta").path(McpMeta.CLIENT_CAPABILITIES);
        ArrayNode missing = NODES.arrayNode();
        for (JsonNode input : result.path("inputRequests")) {
            String capability = ClientInfo.capabilityFor(input.path("method").asString(""));
            if (capability != null && (declared == null || !declared.has(capability))) {
                missing.add(capability);
            }
        }
        if (missing.isEmpty()) {
            return null;
        }
        ObjectNode data = NODES.objectNode();
        data.set("requiredCapabilities", missing);
        return new JsonRpcError(MISSING_CLIENT_CAPABILITY, "Missing required client capability: the upstream asked for "
                + "input (" + missing + ") that this request's clientCapabilities do not declare", data);
    }

    /** The {@code server/discover} result built from the gateway's own initialize result. */
    static ObjectNode discovery(JsonNode initializeResult) {
        ObjectNode result = NODES.objectNode();
        ArrayNode versions = result.putArray("supportedVersions");
        ProtocolVersions.ALL.forEach(versions::add);
        JsonNode capabilities = initializeResult.get("capabilities");
        result.set("capabilities", capabilities instanceof ObjectNode ? capabilities.deepCopy() : NODES.objectNode());
        JsonNode instructions = initializeResult.get("instructions");
        if (instructions != null && instructions.isString()) {
            result.put("instructions", instructions.stringValue());
        }
        JsonNode serverInfo = initializeResult.get("serverInfo");
        if (serverInfo != null) {
            result.putObject("_meta").set(McpMeta.SERVER_INFO, serverInfo.deepCopy());
        }
        return result;
    }

    /** The log level a request asks for in {@code _meta}, or null for none (then it hears no log messages). */
    static @Nullable String logLevel(Request request) {
        JsonNode level = request.params() == null ? null : request.params().path("_meta").get(McpMeta.LOG_LEVEL);
        return level != null && level.isString() ? level.stringValue() : null;
    }

    /** What a request's envelope says about its client: the version, and its capabilities and info from {@code _meta}. */
    static ClientInfo clientInfo(String version, Request request) {
        return new ClientInfo(version, metaObject(request, McpMeta.CLIENT_CAPABILITIES), metaObject(request, McpMeta.CLIENT_INFO));
    }

    /** A member of {@code params._meta} that must be an object, or an empty object. */
    static ObjectNode metaObject(Request request, String key) {
        JsonNode value = request.params() == null ? null : request.params().path("_meta").get(key);
        return value instanceof ObjectNode object ? object : NODES.objectNode();
    }
}
