package io.gatekit.upstream;

import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.transport.Frame;
import io.gatekit.transport.MessageHandler;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One live session with an upstream server process: the correlation map from gateway-unique upstream ids to
 * the calls waiting for them. This is the one place where upstream responses are correlated. Every request
 * sent here gets a fresh numeric id, and its progress token (if any) is replaced by that same id, so two
 * clients using the same ids or tokens never see each other's messages.
 *
 * <p>Concurrency: calls come from request threads and responses on the wire's reader thread. Pending calls live in
 * the lock-free {@link PendingTable} and ids come from an atomic counter, so the hot path takes no lock. {@code
 * open} is volatile: a call registered while the connection closes is either drained by {@code onClosed} or failed
 * by {@code call}.
 */
final class UpstreamConnection implements MessageHandler {
    private static final Logger log = LoggerFactory.getLogger(UpstreamConnection.class);

    private final Upstream owner;
    private final UpstreamWire wire;
    private final UpstreamListener listener;
    private final PendingTable pending = new PendingTable();
    private final AtomicLong nextId = new AtomicLong(1);
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private volatile boolean open = true;

    UpstreamConnection(Upstream owner, UpstreamWire wire, UpstreamListener listener) {
        this.owner = owner;
        this.wire = wire;
        this.listener = listener;
    }

    void start() {
        wire.start(this);
    }

    /** The upstream's process id, for a process upstream. */
    Optional<Long> pid() {
        return wire.pid();
    }

    /** Completes with a description of why the connection ended. */
    CompletableFuture<String> closed() {
        return closed;
    }

    /**
     * Sends {@code request} upstream under a fresh id, rewriting its progress token, and registers {@code outcome}
     * to receive the response. Throws {@link GatewayException} if the connection is already closed.
     */
    PendingCall call(Request request, @Nullable CallOrigin origin, CompletableFuture<Response> outcome, long deadlineNanos) {
        long upstreamId = nextId.getAndIncrement();
        // Each era gets exactly its own envelope: a modern wire builds the 2026-07-28 one itself (ModernProtocol);
        // a client's request reaches a handshake-era upstream without it (routing.EraTranslation, a chain link).
        JsonNode params = request.params();
        JsonNode clientToken = null;
        if (params instanceof ObjectNode object && object.get("_meta") instanceof ObjectNode meta
                && meta.has("progressToken")) {
            clientToken = meta.get("progressToken");
            ObjectNode metaCopy = meta.deepCopy();
            metaCopy.put("progressToken", upstreamId);
            ObjectNode paramsCopy = object.deepCopy();
            paramsCopy.set("_meta", metaCopy);
            params = paramsCopy;
        }
        PendingCall call = new PendingCall(upstreamId, request.method(), origin, clientToken, outcome, deadlineNanos);
        pending.put(call);
        // Registered first, checked second: onClosed drains the map after clearing `open`, so a call that
        // slips in during the close is either drained there or failed here, never left waiting.
        if (!open || !wire.send(new Request(JsonRpcIds.of(upstreamId), request.method(), params),
                origin == null ? null : origin.caller())) {
            pending.remove(call);
            throw owner.unavailable("connection closed");
        }
        return call;
    }

    /**
     * Hands a call in flight to another origin and future (a request held for a multi round-trip answer, then
     * the client's retry): the upstream's answer completes {@code outcome} instead. Null when the call already
     * ended (answered, failed, abandoned).
     */
    @Nullable PendingCall rebind(PendingCall call, CallOrigin origin, CompletableFuture<Response> outcome, long deadlineNanos) {
        PendingCall rebound = new PendingCall(call.upstreamId(), call.method(), origin, call.clientProgressToken(), outcome,
                deadlineNanos);
        return pending.replace(call, rebound) ? rebound : null;
    }

    /** Whether this very call (not merely its id: another replica may use the same) is in flight here. */
    boolean holds(PendingCall call) {
        return call.equals(pending.get(call.upstreamId())); // equal records share their outcome future: the same call
    }

    /** Gives up on a call (timeout or client cancel) and tells the upstream to stop working on it. */
    void abandon(PendingCall call, String reason) {
        if (pending.remove(call) && open) {
            ObjectNode params = owner.codec().mapper().createObjectNode();
            params.put("requestId", call.upstreamId());
            params.put("reason", reason);
            wire.send(new Notification("notifications/cancelled", params));
        }
    }

    void notify(Notification notification) {
        if (open) {
            wire.send(notification);
        }
    }

    void reply(Response response) {
        if (open) {
            wire.send(response);
        }
    }

    /**
     * Gives up every call whose deadline has passed: its future fails with {@code timeout(call)} and the
     * upstream is told to cancel it. One sweep serves every call, instead of a timer per request.
     */
    void expireOverdue(long nowNanos, java.util.function.Function<PendingCall, GatewayException> timeout) {
        for (PendingCall call : pending.values()) {
            if (nowNanos - call.deadlineNanos() >= 0 && !call.outcome().isDone()) {
                abandon(call, "Gatekit request timeout");
                call.outcome().completeExceptionally(timeout.apply(call));
            }
        }
    }

    Collection<PendingCall> inFlight() {
        return pending.values();
    }

    int inFlightCount() {
        return pending.size();
    }

    @Override
    public void onMessage(Decoded decoded) {
        switch (decoded) {
            case Decoded.Ok(Response response) -> onResponse(response);
            case Decoded.Ok(Notification notification) -> onNotification(notification);
            case Decoded.Ok(Request request) -> listener.onServerRequest(owner, request, null);
            case Decoded.Invalid invalid -> {
                log.warn("upstream {} sent an invalid message: {}", owner.name(), invalid.error().message());
                if (invalid.answerable() && invalid.id() != null) {
                    wire.send(Response.failure(invalid.id(), invalid.error()));
                } else if (!invalid.answerable()) {
                    onInvalidResponse(invalid);
                }
            }
        }
    }

    /**
     * A response that could not be read as one (a repeated key, both result and error, ...): if its id is a call's,
     * that call fails now with what was wrong, instead of waiting for its deadline or relaying a guess.
     */
    private void onInvalidResponse(Decoded.Invalid invalid) {
        JsonNode id = invalid.id();
        PendingCall call = id != null && id.canConvertToLong() ? pending.remove(id.asLong()) : null;
        if (call != null) {
            call.outcome().completeExceptionally(new GatewayException(ErrorCode.INTERNAL_ERROR,
                    "Upstream '" + owner.name() + "' sent a response Gatekit could not pass on: "
                            + invalid.error().message()));
        }
    }

    /**
     * A message on the response stream of the upstream request {@code relatedId}: a server-to-client request or a
     * log message there belongs to the client that made that request, which is stronger than any guess.
     */
    @Override
    public void onRelatedMessage(Decoded decoded, JsonNode relatedId) {
        PendingCall call = relatedId != null && relatedId.canConvertToLong() ? pending.get(relatedId.asLong()) : null;
        CallOrigin requester = call == null ? null : call.origin();
        switch (decoded) {
            case Decoded.Ok(Request request) when requester != null -> listener.onServerRequest(owner, request, requester);
            case Decoded.Ok(Notification message) when requester != null && "notifications/message".equals(message.method()) ->
                    listener.onRequestLog(owner, message, requester);
            default -> onMessage(decoded);
        }
    }

    private void onResponse(Response response) {
        JsonNode id = response.id();
        PendingCall call = id != null && id.canConvertToLong() ? pending.remove(id.asLong()) : null;
        if (call == null) {
            // A late answer to a call that timed out or was cancelled: the spec says to ignore it.
            log.debug("upstream {}: response for unknown id {}", owner.name(), JsonRpcIds.describe(id));
            return;
        }
        if (call.origin() == null && response.result() != null) {
            // The gateway's own calls (initialize, lists) read their results; clients' results pass through raw.
            response = Response.success(response.id(), owner.codec().materialize(response.result()));
        }
        call.outcome().complete(response);
    }

    private void onNotification(Notification notification) {
        if ("notifications/progress".equals(notification.method())) {
            ObjectNode given = notification.params() instanceof ObjectNode object ? object : null;
            JsonNode token = given == null ? null : given.get("progressToken");
            PendingCall call = token != null && token.canConvertToLong() ? pending.get(token.asLong()) : null;
            if (call != null) {
                CallOrigin origin = call.origin();
                JsonNode clientToken = call.clientProgressToken();
                if (given != null && origin != null && clientToken != null) {
                    ObjectNode params = given.deepCopy();
                    params.set("progressToken", clientToken);
                    origin.notifyCaller(new Notification(notification.method(), params));
                }
                return;
            }
            log.debug("upstream {}: progress for unknown token {}", owner.name(), token);
            return;
        }
        listener.onNotification(owner, notification);
    }

    @Override
    public void onOversized(Frame.Oversized frame) {
        log.error("upstream {} sent a message of {} bytes, over the {}-byte limit (proxy.limits.max_message_bytes); dropped",
                owner.name(), frame.length(), frame.limit());
    }

    @Override
    public void onClosed(@Nullable Throwable cause) {
        open = false;
        String why = wire.describeEnd(cause);
        List<PendingCall> orphans = pending.drain();
        GatewayException failure = new GatewayException(ErrorCode.UPSTREAM_CLOSED,
                "Upstream '" + owner.name() + "' " + why + " while the request was in flight");
        for (PendingCall call : orphans) {
            call.outcome().completeExceptionally(failure);
        }
        closed.complete(why);
    }

    /** Ends the upstream session: for a process, stdin EOF, SIGTERM, SIGKILL. */
    void shutdown(java.time.Duration grace) {
        open = false;
        wire.shutdown(grace);
    }

    boolean isOpen() {
        return open;
    }
}
