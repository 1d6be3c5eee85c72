package io.gatekit.upstream;

import io.gatekit.jsonrpc.McpHeaders;
import io.gatekit.jsonrpc.ProtocolVersions;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.McpMeta;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the gateway speaks the modern (2026-07-28, stateless) era to an upstream that offers it: the {@code server/discover}
 * probe that replaces {@code initialize}, the {@code _meta} envelope and headers every request carries, and the
 * {@code subscriptions/listen} request that replaces the GET stream and {@code resources/subscribe}. Immutable:
 * what changes over a session (the log level, the subscribed URIs) is kept by the wire and passed in.
 */
final class ModernProtocol {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectNode capabilities;
    private final ObjectNode clientInfo;
    private final JsonNode serverCapabilities;

    private ModernProtocol(ObjectNode capabilities, ObjectNode clientInfo, JsonNode serverCapabilities) {
        this.capabilities = capabilities;
        this.clientInfo = clientInfo;
        this.serverCapabilities = serverCapabilities;
    }

    /** The probe sent instead of {@code initialize}: the same capabilities and client info, in {@code _meta}. */
    static Request discoverRequest(Request initialize) {
        ObjectNode params = NODES.objectNode();
        ObjectNode meta = params.putObject("_meta");
        meta.put(McpMeta.PROTOCOL_VERSION, ProtocolVersions.MODERN);
        meta.set(McpMeta.CLIENT_CAPABILITIES, member(initialize.params(), "capabilities"));
        meta.set(McpMeta.CLIENT_INFO, member(initialize.params(), "clientInfo"));
        return new Request(initialize.id(), "server/discover", params);
    }

    /**
     * The modern session a successful {@code server/discover} answer opens, or null when the answer does not
     * offer 2026-07-28 (then the gateway falls back to {@code initialize}, whatever the error was).
     */
    static @Nullable ModernProtocol fromDiscovery(Request initialize, Response answer) {
        if (answer.isError() || !(answer.result() instanceof ObjectNode result)) {
            return null;
        }
        boolean offered = false;
        for (JsonNode version : result.path("supportedVersions")) {
            offered |= ProtocolVersions.MODERN.equals(version.asString(null));
        }
        if (!offered) {
            return null;
        }
        JsonNode serverCapabilities = result.get("capabilities") instanceof ObjectNode caps ? caps : NODES.objectNode();
        return new ModernProtocol(member(initialize.params(), "capabilities"), member(initialize.params(), "clientInfo"),
                serverCapabilities);
    }

    /** The discovery result in the shape of an initialize result, which is what the connection above reads. */
    static Response asInitializeResult(JsonNode initializeId, Response discovered) {
        ObjectNode discovery = (ObjectNode) discovered.successResult();
        ObjectNode result = NODES.objectNode();
        result.put("protocolVersion", ProtocolVersions.MODERN);
        result.set("capabilities", discovery.get("capabilities") instanceof ObjectNode c ? c : NODES.objectNode());
        JsonNode serverInfo = discovery.path("_meta").get(McpMeta.SERVER_INFO);
        result.set("serverInfo", serverInfo instanceof ObjectNode info ? info : NODES.objectNode().put("name", "unknown"));
        JsonNode instructions = discovery.path("instructions");
        if (instructions.isString()) {
            result.set("instructions", instructions);
        }
        return Response.success(initializeId, result);
    }

    /**
     * The request with the stateless envelope in {@code _meta}: this revision, and the capabilities and client
     * info the gateway declares, unless the request already carries the client's own (a modern client's request
     * passes through with what it declared). {@code logLevel} (nullable) is added when the request names none: a
     * 2026-07-28 server emits log messages only for requests that ask for them.
     */
    Request envelope(Request request, @Nullable String logLevel) {
        ObjectNode params = request.params() instanceof ObjectNode object ? object.deepCopy() : NODES.objectNode();
        ObjectNode meta = params.get("_meta") instanceof ObjectNode existing ? existing : params.putObject("_meta");
        meta.put(McpMeta.PROTOCOL_VERSION, ProtocolVersions.MODERN);
        if (!(meta.get(McpMeta.CLIENT_CAPABILITIES) instanceof ObjectNode)) {
            meta.set(McpMeta.CLIENT_CAPABILITIES, capabilities);
        }
        if (!(meta.get(McpMeta.CLIENT_INFO) instanceof ObjectNode)) {
            meta.set(McpMeta.CLIENT_INFO, clientInfo);
        }
        if (logLevel != null && !meta.has(McpMeta.LOG_LEVEL)) {
            meta.put(McpMeta.LOG_LEVEL, logLevel);
        }
        return request.withParams(params);
    }

    /** The request headers of this revision: version, method, and the name for the methods that have one. */
    static Map<String, String> headers(Request request) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(McpHeaders.PROTOCOL_VERSION, ProtocolVersions.MODERN);
        headers.put(McpHeaders.METHOD, request.method());
        String name = McpHeaders.nameOf(request);
        if (name != null) {
            headers.put(McpHeaders.NAME, headerValue(name));
        }
        return headers;
    }

    /** Header values are ASCII; anything else travels as {@code =?base64?...?=}. */
    static String headerValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return "=?base64?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
            }
        }
        return value;
    }

    /** Whether the server can tell about changes worth a listen stream, given the URIs subscribed to. */
    boolean worthListening(Collection<String> resourceUris) {
        return listChanged("tools") || listChanged("prompts") || listChanged("resources")
                || (!resourceUris.isEmpty() && canSubscribe());
    }

    /** Whether the server offers updates of single resources. */
    boolean canSubscribe() {
        return serverCapabilities.path("resources").path("subscribe").asBoolean(false);
    }

    /** The list-changed notifications a listen stream asks for: sent after a gap in which some may have been missed. */
    java.util.List<Notification> listChangesHeard() {
        java.util.List<Notification> heard = new java.util.ArrayList<>();
        for (String feature : java.util.List.of("tools", "prompts", "resources")) {
            if (listChanged(feature)) {
                heard.add(new Notification("notifications/" + feature + "/list_changed", null));
            }
        }
        return heard;
    }

    /**
     * {@code subscriptions/listen} for every list the server says can change and the resources the gateway's
     * clients subscribed to: one stream per upstream carries all of it.
     */
    Request listenRequest(JsonNode id, Collection<String> resourceUris) {
        ObjectNode params = NODES.objectNode();
        ObjectNode wanted = params.putObject("notifications");
        if (listChanged("tools")) {
            wanted.put("toolsListChanged", true);
        }
        if (listChanged("prompts")) {
            wanted.put("promptsListChanged", true);
        }
        if (listChanged("resources")) {
            wanted.put("resourcesListChanged", true);
        }
        if (!resourceUris.isEmpty() && canSubscribe()) {
            ArrayNode uris = wanted.putArray("resourceSubscriptions");
            resourceUris.forEach(uris::add);
        }
        return envelope(new Request(id, "subscriptions/listen", params), null);
    }

    /** A notification from a listen stream without the stream's tag, which is the gateway's business, not a client's. */
    static Notification untagged(Notification notification) {
        if (!(notification.params() instanceof ObjectNode params) || !(params.get("_meta") instanceof ObjectNode meta)
                || !meta.has(McpMeta.SUBSCRIPTION_ID)) {
            return notification;
        }
        ObjectNode copy = params.deepCopy();
        ObjectNode metaCopy = (ObjectNode) copy.get("_meta");
        metaCopy.remove(McpMeta.SUBSCRIPTION_ID);
        if (metaCopy.isEmpty()) {
            copy.remove("_meta");
        }
        return new Notification(notification.method(), copy.isEmpty() ? null : copy);
    }

    private boolean listChanged(String feature) {
        return serverCapabilities.path(feature).path("listChanged").asBoolean(false);
    }

    private static ObjectNode member(@Nullable JsonNode params, String name) {
        return params != null && params.get(name) instanceof ObjectNode object ? object.deepCopy() : NODES.objectNode();
    }
}
