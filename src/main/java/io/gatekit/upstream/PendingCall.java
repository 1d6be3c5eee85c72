package io.gatekit.upstream;

import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A request in flight on one upstream connection: the gateway-unique id it carries upstream, who asked, the
 * future its response completes, and when it must be given up ({@code System.nanoTime()} based). The upstream
 * id doubles as the progress token sent upstream, so progress routes back through the same map.
 * {@code origin} is null for the gateway's own requests.
 */
public record PendingCall(
        long upstreamId,
        String method,
        @Nullable CallOrigin origin,
        @Nullable JsonNode clientProgressToken,
        CompletableFuture<Response> outcome,
        long deadlineNanos) {}
