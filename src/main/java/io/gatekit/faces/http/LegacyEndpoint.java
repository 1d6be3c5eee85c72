package io.gatekit.faces.http;

import io.gatekit.jsonrpc.McpHeaders;
import io.gatekit.jsonrpc.ProtocolVersions;
import io.gatekit.Gateway;
import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.session.Principal;
import java.io.IOException;
import java.util.List;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The legacy (handshake) era of the endpoint, 2024-11-05 to 2025-11-25: {@code initialize} opens a session
 * ({@code Mcp-Session-Id}), each POST carries one message of it, GET opens its standalone event stream with
 * {@code Last-Event-ID} replay, DELETE ends it. A session belongs to the caller that opened it: to anyone else its
 * id is unknown (404), so they can neither post to it, open its stream, cancel its requests nor end it.
 */
final class LegacyEndpoint {
    private static final Logger log = LoggerFactory.getLogger(LegacyEndpoint.class);

    private final Gateway gateway;
    private final SessionRegistry registry;
    private final HttpReplies replies;
    private final StreamTimings timings;
    private final SessionRelay relay;

    LegacyEndpoint(Gateway gateway, SessionRegistry registry, HttpReplies replies, StreamTimings timings,
            SessionRelay relay) {
        this.gateway = gateway;
        this.registry = registry;
        this.replies = replies;
        this.timings = timings;
        this.relay = relay;
    }

    /** The gateway client of a session this endpoint creates or continues. */
    private Gateway.ClientEndpoint open(HttpSession session) {
        return gateway.open("http", session, () -> registry.end(session, "closed by the gateway"));
    }

    /** One decoded message of a session, or the {@code initialize} that opens one. */
    void post(JsonRpcMessage message, Decoded decoded, Principal caller, Request request, Response response,
            Callback callback) throws InterruptedException {
        String version = request.getHeaders().get(McpHeaders.PROTOCOL_VERSION);
        if (version != null && !ProtocolVersions.LEGACY_VERSIONS.contains(version)) {
            replies.error(response, callback, 400, HttpReplies.idOf(message), ErrorCode.INVALID_REQUEST,
                    "Unsupported MCP-Protocol-Version '" + version + "'; supported: " + ProtocolVersions.LEGACY_VERSIONS);
            return;
        }
        String sessionId = request.getHeaders().get(McpHeaders.SESSION_ID);
        HttpSession session;
        boolean created = false;
        if (message instanceof JsonRpcMessage.Request r && r.method().equals("initialize") && sessionId == null) {
            try {
                session = registry.create(caller, s -> {
                    Gateway.ClientEndpoint endpoint = open(s);
                    endpoint.session().authenticated(caller);
                    return endpoint;
                });
                created = true;
            } catch (SessionRegistry.FullException e) {
                replies.error(response, callback, 503, r.id(), ErrorCode.OVERLOADED, e.getMessage());
                return;
            }
        } else {
            session = session(sessionId, caller, HttpReplies.idOf(message), response, callback);
            if (session == null) {
                return;
            }
            // The same caller, perhaps with a refreshed token: policy reads its current claims.
            session.attached().session().authenticated(caller);
            if (registry.scaledOut() && !session.attached().session().isReady()) {
                // Its notifications/initialized may have gone to another instance; a client sends its next
                // message only after it, so the handshake is over here too.
                session.attached().session().markReady();
            }
        }
        session.connectionOpened();
        try {
            if (message instanceof JsonRpcMessage.Request r) {
                answer(session, r, decoded, created, request, response, callback);
            } else {
                if (message instanceof JsonRpcMessage.Notification n && n.method().equals("notifications/cancelled")
                        && n.params() != null) {
                    session.abandon(n.params().get("requestId"));
                    relay.cancelled(session, n.params().get("requestId"));
                }
                if (!(message instanceof JsonRpcMessage.Response reply && relay.replied(session, reply))) {
                    session.attached().handler().onMessage(decoded);
                }
                replies.empty(response, callback, 202);
            }
        } finally {
            session.connectionClosed();
        }
    }

    private void answer(HttpSession session, JsonRpcMessage.Request r, Decoded decoded, boolean created, Request request,
            Response response, Callback callback) throws InterruptedException {
        PostedRequest post = session.open(r);
        if (post == null) {
            replies.error(response, callback, 200, r.id(), ErrorCode.INVALID_REQUEST, "Request id " + r.id()
                    + " is already in flight in this session; ids must be unique among outstanding requests");
            return;
        }
        if (created) {
            response.getHeaders().put(McpHeaders.SESSION_ID, registry.seal(session, r));
        }
        request.addFailureListener(failure -> post.deliver(PostedRequest.GONE));
        JsonRpcMessage.Response last = null;
        // Read before the chain runs: routing renames a resource's URI to the upstream's own in the params.
        String named = r.params() != null && r.params().path("uri").isString() ? r.params().get("uri").stringValue() : null;
        try {
            session.attached().handler().onMessage(decoded);
            last = new ResponseStream(session, post, response, callback, replies, timings, UnaryOperator.identity(),
                    answer -> 200).run();
            if (last != null && !last.isError() && r.params() != null) {
                switch (r.method()) {
                    case "logging/setLevel" -> {
                        if (r.params().path("level").isString()) {
                            relay.levelSet(session, r.params().get("level").stringValue());
                        }
                    }
                    case "resources/subscribe", "resources/unsubscribe" -> {
                        if (named != null) {
                            relay.subscriptionChanged(session, named, r.method().equals("resources/subscribe"));
                        }
                    }
                    default -> {}
                }
            }
        } finally {
            session.finish(post);
            if (created && (last == null || last.isError())) {
                registry.end(session, "initialize failed");
            }
        }
    }

    /** GET: the session's standalone stream, replaying what came after {@code Last-Event-ID}. */
    void get(Principal caller, Request request, Response response, Callback callback) throws InterruptedException {
        String version = request.getHeaders().get(McpHeaders.PROTOCOL_VERSION);
        if (version != null && ProtocolVersions.MODERN_VERSIONS.contains(version.strip())) {
            // Same status as any GET without a session (the legacy era's 400), with what the client got wrong.
            replies.error(response, callback, 400, null, ErrorCode.INVALID_REQUEST, "MCP-Protocol-Version '" + version
                    + "' is stateless: it has no GET stream and no session; POST each request with its _meta");
            return;
        }
        if (version != null && !ProtocolVersions.LEGACY_VERSIONS.contains(version)) {
            replies.error(response, callback, 400, null, ErrorCode.INVALID_REQUEST,
                    "Unsupported MCP-Protocol-Version '" + version + "'");
            return;
        }
        HttpSession session = session(request.getHeaders().get(McpHeaders.SESSION_ID), caller, null, response, callback);
        if (session == null) {
            return;
        }
        HttpSession.Cursor cursor = session.attachGet(request.getHeaders().get(McpHeaders.LAST_EVENT_ID));
        if (cursor == null) {
            replies.error(response, callback, 409, null, ErrorCode.INVALID_REQUEST,
                    "Conflict: this session already has an open GET stream");
            return;
        }
        session.connectionOpened();
        try {
            SseStream sse = SseStream.open(response, timings.writeTimeout());
            while (!session.isEnded()) {
                List<HttpSession.Event> ready = session.awaitGet(cursor, timings.keepAlive());
                if (ready.isEmpty()) {
                    if (!session.isEnded()) {
                        sse.comment("keep-alive");
                    }
                    continue;
                }
                for (HttpSession.Event event : ready) {
                    sse.event(event.id(), replies.codec().encode(event.message()));
                    cursor = cursor.after(event);
                }
                session.delivered(cursor);
            }
            callback.succeeded();
        } catch (IOException e) {
            log.debug("session {}: GET stream closed: {}", session.id(), e.getMessage());
            callback.failed(e);
        } finally {
            session.detachGet();
            session.connectionClosed();
        }
    }

    /** DELETE: ends the session and cancels everything it has in flight. */
    void delete(Principal caller, Request request, Response response, Callback callback) {
        HttpSession session = session(request.getHeaders().get(McpHeaders.SESSION_ID), caller, null, response, callback);
        if (session != null) {
            registry.endEverywhere(session, "DELETE by the client");
            replies.empty(response, callback, 200);
        }
    }

    /**
     * The live session the header names, or null after answering 400 (no header) or 404 (unknown, ended, or
     * another caller's: the same answer, so a session id reveals nothing to whoever is not its owner).
     */
    private @Nullable HttpSession session(@Nullable String sessionId, Principal caller, @Nullable JsonNode id,
            Response response, Callback callback) {
        if (sessionId == null || sessionId.isBlank()) {
            replies.error(response, callback, 400, id, ErrorCode.INVALID_REQUEST,
                    "Bad Request: missing Mcp-Session-Id header; send initialize first and echo the id it returns");
            return null;
        }
        HttpSession session;
        try {
            session = registry.find(sessionId, caller, this::open);
        } catch (SessionRegistry.FullException e) {
            replies.error(response, callback, 503, id, ErrorCode.OVERLOADED, e.getMessage());
            return null;
        }
        if (session == null) {
            replies.error(response, callback, 404, id, ErrorCode.INVALID_REQUEST,
                    "Session not found: it ended or never existed; send initialize to start a new session");
        }
        return session;
    }
}
