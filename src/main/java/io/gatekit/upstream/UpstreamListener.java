package io.gatekit.upstream;

import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import org.jspecify.annotations.Nullable;

/**
 * Receives what an upstream sends on its own initiative. Called on the upstream's reader thread: must hand off
 * anything slow, or every response from that upstream waits.
 */
public interface UpstreamListener {

    /**
     * A server-to-client request (sampling, roots, elicitation, ping); answer with {@link Upstream#reply}.
     * {@code requester} is the origin of the call it came with (it arrived on that request's response stream),
     * or null when the transport cannot tell (a shared stdio pipe, an HTTP GET stream).
     */
    void onServerRequest(Upstream upstream, Request request, @Nullable CallOrigin requester);

    /** A notification other than progress for a known request, which the upstream routes itself. */
    void onNotification(Upstream upstream, Notification notification);

    /**
     * A log message that arrived on the response stream of a request from {@code requester}: it is about that
     * request, so only that client may hear it (2026-07-28 makes log messages request-scoped).
     */
    void onRequestLog(Upstream upstream, Notification message, CallOrigin requester);

    /** The upstream changed state (started, died, restarting, failed, stopped). */
    default void onStateChange(Upstream upstream, Upstream.State previous, Upstream.State state) {}
}
