package io.gatekit.routing;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.session.ClientSession;
import io.gatekit.session.InFlight;
import io.gatekit.upstream.Upstream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decides where each client request goes and produces its answer: the gateway's own methods (initialize,
 * ping, the aggregated lists) are answered here; tools, prompts, resources and completions go to the one
 * upstream their name or URI belongs to, renamed into that upstream's terms. This is the one place where
 * requests are routed. Runs on the request's own virtual thread; blocking is fine.
 */
public final class Router {
    private static final Logger log = LoggerFactory.getLogger(Router.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, Upstream> upstreams;
    private final Forwarder forwarder;
    private final ListAggregator lists;
    private final ResourceIndex resources = new ResourceIndex();
    private final Lifecycle lifecycle;

    public Router(List<Upstream> upstreams, io.gatekit.control.AdmissionController admission,
            java.time.Duration requestTimeout, Lifecycle lifecycle) {
        Map<String, Upstream> byName = new LinkedHashMap<>();
        upstreams.forEach(u -> byName.put(u.name(), u));
        this.upstreams = byName;
        this.forwarder = new Forwarder(admission, requestTimeout);
        this.lists = new ListAggregator(forwarder, resources);
        this.lifecycle = lifecycle;
    }

    /**
     * Handles one client request and returns the response to send (with the client's id), or null when the
     * client cancelled it and no answer is due.
     */
    public Response handle(ClientSession client, Request request, InFlight inFlight) {
        long deadline = inFlight.startNanos() + forwarder.requestTimeout().toNanos();
        try {
            JsonNode result = dispatch(client, request, inFlight, deadline);
            return result == null ? null : Response.success(request.id(), result);
        } catch (GatewayException e) {
            return Response.failure(request.id(), e.error());
        } catch (CancellationException e) {
            return null;
        } catch (RuntimeException e) {
            log.error("request {} from {} failed", request.method(), client, e);
            return Response.failure(request.id(), io.gatekit.jsonrpc.JsonRpcError.of(ErrorCode.INTERNAL_ERROR,
                    "Internal gateway error handling " + request.method() + ": " + e));
        }
    }

    private JsonNode dispatch(ClientSession client, Request request, InFlight inFlight, long deadline) {
        String method = request.method();
        ObjectNode params = request.params() instanceof ObjectNode o ? o : NODES.objectNode();
        switch (method) {
            case "initialize" -> {
                return lifecycle.initialize(client, params);
            }
            case "ping" -> {
                return NODES.objectNode();
            }
            case "tools/call", "prompts/get" -> {
                String name = requireString(params, "name", method);
                Namespace.Qualified target = resolve(name, method.startsWith("tools") ? "tool" : "prompt");
                return forward(client, target.upstream(), request, withMember(params, "name", target.name()), inFlight, deadline);
            }
            case "resources/read", "resources/subscribe", "resources/unsubscribe" -> {
                String uri = requireString(params, "uri", method);
                return forward(client, upstreamForUri(uri), request, params, inFlight, deadline);
            }
            case "completion/complete" -> {
                return complete(client, request, params, inFlight, deadline);
            }
            case "logging/setLevel" -> {
                broadcastSetLevel(client, params, deadline);
                return NODES.objectNode();
            }
            default -> {
                ListKind kind = ListKind.forMethod(method);
                if (kind == null) {
                    throw new GatewayException(ErrorCode.METHOD_NOT_FOUND, "Method not found: " + method);
                }
                if (params.hasNonNull("cursor")) {
                    throw new GatewayException(ErrorCode.INVALID_PARAMS,
                            "Invalid cursor for " + method + ": Gatekit returns complete lists, so no cursor is valid");
                }
                ObjectNode result = lists.list(client, kind, List.copyOf(upstreams.values()), deadline);
                return inFlight.isCancelled() ? null : result;
            }
        }
    }

    private JsonNode forward(ClientSession client, String upstreamName, Request request, ObjectNode upstreamParams,
            InFlight inFlight, long deadline) {
        Upstream upstream = upstreams.get(upstreamName);
        if (upstream == null) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "No upstream named '" + upstreamName + "'");
        }
        Response response = forwarder.call(client, upstream, request.withParams(upstreamParams), inFlight.outcome(), deadline);
        if (response.isError()) {
            throw new GatewayException(response.error());
        }
        return response.result();
    }

    private JsonNode complete(ClientSession client, Request request, ObjectNode params, InFlight inFlight, long deadline) {
        JsonNode ref = params.get("ref");
        if (!(ref instanceof ObjectNode refObject)) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "completion/complete needs a \"ref\" object");
        }
        String type = refObject.path("type").asString("");
        if ("ref/prompt".equals(type)) {
            Namespace.Qualified target = resolve(requireString(refObject, "name", "completion/complete ref"), "prompt");
            return forward(client, target.upstream(), request,
                    withMember(params, "ref", withMember(refObject, "name", target.name())), inFlight, deadline);
        }
        if ("ref/resource".equals(type)) {
            String uri = requireString(refObject, "uri", "completion/complete ref");
            return forward(client, upstreamForUri(uri), request, params, inFlight, deadline);
        }
        throw new GatewayException(ErrorCode.INVALID_PARAMS, "Unknown completion ref type '" + type + "'");
    }

    private void broadcastSetLevel(ClientSession client, ObjectNode params, long deadline) {
        requireString(params, "level", "logging/setLevel");
        for (Upstream upstream : upstreams.values()) {
            if (upstream.state() == Upstream.State.READY && upstream.info().map(i -> i.has("logging")).orElse(false)) {
                try {
                    forwarder.call(client, upstream, new Request(request0(), "logging/setLevel", params),
                            new java.util.concurrent.CompletableFuture<>(), deadline);
                } catch (GatewayException e) {
                    log.warn("logging/setLevel on upstream {} failed: {}", upstream.name(), e.getMessage());
                }
            }
        }
    }

    /** A client notification that every upstream should hear (roots changed). */
    public void broadcast(Notification notification) {
        for (Upstream upstream : upstreams.values()) {
            upstream.notify(notification);
        }
    }

    private Namespace.Qualified resolve(String qualified, String what) {
        Namespace.Qualified target = Namespace.split(qualified).orElseThrow(() -> new GatewayException(ErrorCode.INVALID_PARAMS,
                "Unknown " + what + " '" + qualified + "': Gatekit names them <upstream>" + Namespace.SEPARATOR + "<name>"));
        if (!upstreams.containsKey(target.upstream())) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "Unknown " + what + " '" + qualified
                    + "': no upstream named '" + target.upstream() + "' (upstreams: " + String.join(", ", upstreams.keySet()) + ")");
        }
        return target;
    }

    private String upstreamForUri(String uri) {
        return resources.upstreamFor(uri).orElseGet(() -> {
            List<Upstream> withResources = upstreams.values().stream()
                    .filter(u -> u.info().map(i -> i.has("resources")).orElse(false)).toList();
            if (withResources.size() == 1) {
                return withResources.getFirst().name();
            }
            throw new GatewayException(ErrorCode.INVALID_PARAMS,
                    "Unknown resource '" + uri + "': no upstream listed it (call resources/list first)");
        });
    }

    private static String requireString(ObjectNode params, String member, String where) {
        JsonNode value = params.get(member);
        if (value == null || !value.isString()) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, where + " needs a string \"" + member + "\"");
        }
        return value.stringValue();
    }

    /** A shallow copy with one member replaced: the rest of the (possibly large) tree is shared, not copied. */
    private static ObjectNode withMember(ObjectNode object, String member, JsonNode value) {
        ObjectNode copy = NODES.objectNode();
        copy.setAll(object);
        copy.set(member, value);
        return copy;
    }

    private static ObjectNode withMember(ObjectNode object, String member, String value) {
        return withMember(object, member, NODES.stringNode(value));
    }

    private static JsonNode request0() {
        return NODES.numberNode(0);
    }
}
