package io.gatekit.upstream;

import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;

/**
 * Receives what an upstream sends on its own initiative. Called on the upstream's reader thread: must hand off
 * anything slow, or every response from that upstream waits.
 */
public interface UpstreamListener {

    /** A server-to-client request (sampling, roots, elicitation, ping); answer with {@link Upstream#reply}. */
    void onServerRequest(Upstream upstream, Request request);

    /** A notification other than progress for a known request, which the upstream routes itself. */
    void onNotification(Upstream upstream, Notification notification);

    /** The upstream changed state (started, died, restarting, failed, stopped). */
    default void onStateChange(Upstream upstream, Upstream.State previous, Upstream.State state) {}
}
