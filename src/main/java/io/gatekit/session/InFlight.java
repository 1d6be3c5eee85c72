package io.gatekit.session;

import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;

/**
 * A client request the gateway has not answered yet. {@code outcome} is completed by the upstream's response,
 * or cancelled when the client sends {@code notifications/cancelled} or goes away; the thread handling the
 * request waits on it.
 */
public record InFlight(JsonNode clientId, String method, long startNanos, CompletableFuture<Response> outcome) {

    public boolean isCancelled() {
        return outcome.isCancelled();
    }
}
