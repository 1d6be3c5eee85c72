package io.gatekit.routing;

import io.gatekit.chain.RequestChain;
import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.session.ClientSession;
import io.gatekit.session.InFlight;
import io.gatekit.transport.Frame;
import io.gatekit.transport.MessageHandler;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one client's messages in arrival order and dispatches them without waiting: a request is registered
 * under the client's id (a duplicate in-flight id is refused) and started down the {@link RequestChain}, which
 * never holds the reader for long (a link that may block moves the request to a virtual thread), so a slow call
 * never holds up the next request, a ping, or a cancellation. Notifications and responses (to forwarded server
 * requests) are handled inline, since they are quick.
 *
 * <p>Concurrency: {@link #onMessage} runs on the client's reader thread only; a request then continues on that
 * thread, on a virtual thread, or on the upstream's reader thread, as the chain decides. The state they share is
 * the client's {@link ClientSession}, which is thread-safe.
 */
public final class ClientDispatcher implements MessageHandler {
    private static final Logger log = LoggerFactory.getLogger(ClientDispatcher.class);

    /**
     * How long requests in flight may still be answered after a stream client's input ends, counted from the last
     * sign of progress: an upstream still starting, or one of the client's requests answered. A request waiting
     * for an upstream that takes seconds to start (a JVM, an npx package) or behind a slow batch is not cut off,
     * yet a client that vanished has its work cancelled a few seconds after the last answer.
     */
    public static final java.time.Duration STREAM_DRAIN_GRACE = java.time.Duration.ofSeconds(5);
    /** However long upstreams take to start, the drain after input ends stops here. */
    private static final java.time.Duration MAX_DRAIN = java.time.Duration.ofSeconds(30);

    private final ClientSession session;
    private final RequestChain chain;
    private final Routing routing;
    private final Runnable onClosed;
    private final java.time.Duration drainGrace;

    /**
     * @param drainGrace after the client's input ends, how long its requests in flight may still be answered
     *     before they are cancelled (zero for a client that explicitly ended its session)
     */
    public ClientDispatcher(ClientSession session, RequestChain chain, Routing routing, java.time.Duration drainGrace,
            Runnable onClosed) {
        this.drainGrace = drainGrace;
        this.session = session;
        this.chain = chain;
        this.routing = routing;
        this.onClosed = onClosed;
    }

    @Override
    public void onMessage(Decoded decoded) {
        switch (decoded) {
            case Decoded.Ok(Request request) -> onRequest(request);
            case Decoded.Ok(Notification notification) -> onNotification(notification);
            case Decoded.Ok(Response response) -> {
                if (!session.acceptReply(response)) {
                    log.debug("{}: response to unknown request {}", session, JsonRpcIds.describe(response.id()));
                }
            }
            case Decoded.Invalid invalid -> {
                if (invalid.answerable()) {
                    session.send(Response.failure(invalid.id(), invalid.error()));
                } else {
                    log.debug("{}: ignored invalid message: {}", session, invalid.error().message());
                }
            }
        }
    }

    private void onRequest(Request request) {
        Optional<InFlight> registered = session.register(request);
        if (registered.isEmpty()) {
            session.send(Response.failure(request.id(), JsonRpcError.of(ErrorCode.INVALID_REQUEST,
                    "Request id " + JsonRpcIds.describe(request.id())
                            + " is already in flight for this client; ids must be unique among outstanding requests")));
            return;
        }
        chain.start(session, registered.get(), request);
    }

    private void onNotification(Notification received) {
        // Cancellation and the end of the handshake are protocol control: they take effect whatever a plugin decides
        // (a block would leave upstream work running, or the client unready); other notifications a plugin may stop.
        Notification filtered = routing.plugins().fromClient(session, received);
        String method = received.method();
        if (filtered == null && !method.equals("notifications/cancelled") && !method.equals("notifications/initialized")) {
            return;
        }
        Notification notification = filtered == null ? received : filtered;
        switch (notification.method()) {
            case "notifications/cancelled" -> {
                if (notification.params() != null && !session.cancel(notification.params().get("requestId"))) {
                    log.debug("{}: cancel for a request not in flight (already answered?)", session);
                }
            }
            case "notifications/initialized" -> routing.clientReady(session);
            case "notifications/roots/list_changed" -> routing.rootsChanged();
            default -> log.debug("{}: notification {} not routed", session, notification.method());
        }
    }

    @Override
    public void onOversized(Frame.Oversized frame) {
        session.send(Response.failure(null, JsonRpcError.of(ErrorCode.INVALID_REQUEST, "Message of " + frame.length()
                + " bytes exceeds the limit of " + frame.limit() + " bytes (proxy.limits.max_message_bytes); it was dropped")));
    }

    @Override
    public void onClosed(@Nullable Throwable cause) {
        if (cause != null) {
            log.debug("{}: input failed: {}", session, cause.toString());
        }
        io.gatekit.transport.LineWriter.flushDirectWrites();
        // The input ended but the output may still be read (`printf ... | gatekit gateway`): give requests
        // already in flight a short grace to be answered, then cancel what is left, upstream too.
        long start = System.nanoTime();
        long deadline = start + drainGrace.toNanos();
        int inFlight;
        int lastInFlight = Integer.MAX_VALUE;
        while ((inFlight = session.inFlightCount()) > 0 && System.nanoTime() < deadline
                && System.nanoTime() - start < MAX_DRAIN.toNanos()) {
            if (drainGrace.isPositive() && (inFlight < lastInFlight || routing.anyUpstreamStarting())) {
                deadline = System.nanoTime() + drainGrace.toNanos();
            }
            lastInFlight = inFlight;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        session.close();
        routing.clientGone(session);
        onClosed.run();
    }
}
