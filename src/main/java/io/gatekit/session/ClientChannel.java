package io.gatekit.session;

import io.gatekit.jsonrpc.JsonRpcMessage;

/** The way back to one client: stdio, a socket, or (later) an HTTP stream. */
@FunctionalInterface
public interface ClientChannel {

    /** Queues a message for the client; false if the client can no longer be reached. */
    boolean send(JsonRpcMessage message);
}
