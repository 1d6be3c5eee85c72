package io.gatekit.upstream;

import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one replica of a multi-process upstream sends on its own, made to look as if its {@link Upstream} sent it:
 * a server-to-client request's id is tagged with the replica ({@code "<serial>:<id>"}, so that {@link Upstream#reply}
 * finds the process that asked, as two processes may use one id), and a client's own session names its client as
 * the requester of everything it asks and logs (nobody else may hear it). An upstream of one shared process does
 * without this: its listener is called directly.
 */
final class ReplicaEvents implements UpstreamListener {
    private final UpstreamListener listener;
    private final Upstream fleet;
    private final int serial;
    private final @Nullable CallOrigin owner;

    /** @param owner stands for the client of a per-client session; null for a shared replica */
    ReplicaEvents(UpstreamListener listener, Upstream fleet, int serial, @Nullable CallOrigin owner) {
        this.listener = listener;
        this.fleet = fleet;
        this.serial = serial;
        this.owner = owner;
    }

    /** The id a replica's server request is known by above it. */
    static JsonNode tag(int serial, JsonNode id) {
        return JsonNodeFactory.instance.stringNode(serial + ":" + id);
    }

    @Override
    public void onServerRequest(Upstream upstream, Request request, @Nullable CallOrigin requester) {
        if (owner == null && !"ping".equals(request.method())) {
            fleet.askedForClientState(request.method());
        }
        CallOrigin named = requester != null ? requester : owner != null ? owner : soleRequester();
        listener.onServerRequest(fleet, request.withId(tag(serial, request.id())), named);
    }

    /**
     * ADR 0003's rule on this process alone: the origin of a call in flight here when every such call is one client's.
     * Null when none is, or several are (the listener then applies the rule to the whole upstream, and refuses).
     */
    private @Nullable CallOrigin soleRequester() {
        CallOrigin found = null;
        for (PendingCall call : fleet.inFlightOn(serial)) {
            CallOrigin origin = call.origin();
            Object client = origin == null ? null : origin.sessionKey();
            if (client == null) {
                continue;
            }
            if (found != null && !client.equals(found.sessionKey())) {
                return null;
            }
            found = origin;
        }
        return found;
    }

    @Override
    public void onNotification(Upstream upstream, Notification notification) {
        if ("notifications/cancelled".equals(notification.method()) && notification.params() instanceof ObjectNode params
                && params.has("requestId")) {
            // It withdraws one of this replica's requests, which the clients know under the tagged id.
            ObjectNode tagged = params.deepCopy();
            tagged.set("requestId", tag(serial, params.get("requestId")));
            listener.onNotification(fleet, new Notification(notification.method(), tagged));
        } else if (owner != null && "notifications/message".equals(notification.method())) {
            listener.onRequestLog(fleet, notification, owner);
        } else {
            listener.onNotification(fleet, notification);
        }
    }

    @Override
    public void onRequestLog(Upstream upstream, Notification message, CallOrigin requester) {
        listener.onRequestLog(fleet, message, requester);
    }
}
