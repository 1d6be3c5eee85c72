package io.gatekit.bench;

import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The work both servers of the server benchmark ({@link ServerBench}) do per request, so that they differ only in
 * the HTTP server: decode the POSTed JSON-RPC request with the project's codec (Jackson 3), sleep
 * {@code params.arguments.ms} milliseconds when asked (a blocking sleep on the handler's virtual thread, the shape of
 * a slow tool), and encode {@code {"jsonrpc":"2.0","id":<id>,"result":{"content":[{"type":"text","text":...}]}}},
 * the text being {@code params.arguments.message} or "ok". Anything but a request gets a JSON-RPC error, which the
 * load generator counts as a failure. Thread-safe.
 */
final class RpcWork {
    private final JsonRpcCodec codec = JsonRpcCodec.forVirtualThreads(1024 * 1024);

    /** The JSON-RPC response (UTF-8) to one request body. */
    byte[] answer(byte[] body) throws InterruptedException {
        Decoded decoded = codec.decode(body);
        if (!(decoded instanceof Decoded.Ok(JsonRpcMessage.Request request))) {
            return codec.encode(JsonRpcMessage.Response.failure(null,
                    JsonRpcError.of(ErrorCode.INVALID_REQUEST, "the server benchmark answers requests only")));
        }
        JsonNode arguments = request.params() == null ? null : request.params().path("arguments");
        long sleepMillis = arguments == null ? 0 : arguments.path("ms").asLong(0);
        if (sleepMillis > 0) {
            Thread.sleep(sleepMillis);
        }
        String text = arguments == null ? "ok" : arguments.path("message").asString("ok");
        ObjectNode result = codec.mapper().createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        return codec.encode(JsonRpcMessage.Response.success(request.id(), result));
    }
}
