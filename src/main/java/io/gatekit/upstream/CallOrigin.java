package io.gatekit.upstream;

import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.session.Principal;
import org.jspecify.annotations.Nullable;

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

    /**
     * The client this call is for, as the key of its own upstream session ({@code session_mode: per_client}; ADR
     * 0023), the same object for every call of one client; null when the call belongs to no client.
     */
    default @Nullable Object sessionKey() {
        return null;
    }

    /**
     * Who the call is for, as authentication established it: an upstream with {@code token_exchange} exchanges the
     * caller's token for one of its own (RFC 8693). Null for the gateway's own calls.
     */
    default @Nullable Principal caller() {
        return null;
    }
}
