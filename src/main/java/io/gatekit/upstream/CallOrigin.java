package io.gatekit.upstream;

import io.gatekit.jsonrpc.JsonRpcMessage.Notification;

/**
 * Who an upstream call is for, as far as the upstream side needs to know: somewhere to send the call's progress,
 * and whether that somewhere is still there. The routing side hands in its own per-request object and reads it
 * back in {@link UpstreamListener} callbacks; the upstream package never learns what a client session is.
 */
public interface CallOrigin {

    /** Delivers a notification about this call (progress, under the caller's own token) towards its caller. */
    void notifyCaller(Notification notification);

    /** Whether the caller has gone away (its messages would be dropped). */
    boolean isGone();
}
