package io.gatekit.upstream;

import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.session.Principal;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * How the HTTP wire speaks to an upstream once discovery has chosen the era: {@link LegacyHttpEra} (2025-03-26 ..
 * 2025-11-25: initialize, a session id, a GET stream) or {@link ModernHttpEra} (2026-07-28: no session, an envelope
 * on every request, one listen stream). Chosen once; the wire then hands every message to it.
 */
sealed interface HttpEra permits LegacyHttpEra, ModernHttpEra {

    /**
     * What every era works with: the upstream's name (for logs), the exchange, the way up, the connect timeout,
     * and how long a request may wait for its answer (the request timeout ends the call above first).
     */
    record Context(String name, HttpExchange exchange, Host host, Duration connectTimeout, Duration answerWait) {}

    /** What an era needs of the wire: the way up to the connection, and the end of it. */
    interface Host {
        /** A message from the upstream for the connection above. */
        void deliver(Decoded decoded);

        /** A message that arrived on the stream of the request {@code requestId} (log messages, server requests). */
        void deliverRelated(Decoded decoded, JsonNode requestId);

        /** A request that cannot be delivered gets an error response at once. */
        void failRequest(JsonRpcMessage message, String why);

        /** A request that cannot be sent (its caller's credentials cannot be had) gets {@code error} at once. */
        default void failRequest(JsonRpcMessage message, JsonRpcError error) {
            if (message instanceof JsonRpcMessage.Request request) {
                deliver(new Decoded.Ok(Response.failure(request.id(), error)));
            }
        }

        /** The upstream is gone: the connection fails its calls and the supervisor restarts it. */
        void end(Throwable cause);

        boolean isOpen();
    }

    /**
     * Sends one message (on a virtual thread of its own); false when it cannot. A client's request names its
     * {@code caller}, whose token a {@code token_exchange} upstream exchanges for this request's Authorization.
     */
    boolean send(JsonRpcMessage message, @Nullable Principal caller);

    /** A response reached the connection, on whatever stream. */
    default void answered(Response response) {}

    /** Stops the era's streams (the wire ended). */
    void close();

    /** Ends the conversation with the upstream as the gateway stops, within {@code grace}. */
    void shutdown(Duration grace);
}
