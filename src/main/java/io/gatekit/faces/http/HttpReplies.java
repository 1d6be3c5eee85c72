package io.gatekit.faces.http;

import io.gatekit.control.Refusal;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage;
import java.nio.ByteBuffer;
import java.util.OptionalLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Whole (non-streamed) answers: a JSON-RPC message as {@code application/json}, an error, or no body. */
final class HttpReplies {
    private final JsonRpcCodec codec;

    HttpReplies(JsonRpcCodec codec) {
        this.codec = codec;
    }

    JsonRpcCodec codec() {
        return codec;
    }

    /** The id to answer {@code message} with: a request's own, else none. */
    static @Nullable JsonNode idOf(JsonRpcMessage message) {
        return message instanceof JsonRpcMessage.Request r ? r.id() : null;
    }

    void json(Response response, Callback callback, int status, JsonRpcMessage message) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(codec.encode(message)), callback);
    }

    /**
     * A request's answer as JSON: an admission refusal ({@link Refusal}: nothing reached the upstream; retry later) is
     * 429 with {@code Retry-After} in whole seconds, rounded up; anything else gets {@code status}.
     */
    void answer(Response response, Callback callback, int status, JsonRpcMessage.Response answer) {
        JsonRpcError error = answer.error();
        OptionalLong retryAfterMs = error == null ? OptionalLong.empty() : Refusal.retryAfterMs(error);
        if (retryAfterMs.isPresent()) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString((retryAfterMs.getAsLong() + 999) / 1000));
            json(response, callback, 429, answer);
        } else {
            json(response, callback, status, answer);
        }
    }

    /** An HTTP error that also carries a JSON-RPC error body, so clients can show why. */
    void error(Response response, Callback callback, int status, @Nullable JsonNode id, ErrorCode code, String message) {
        error(response, callback, status, id, code.code(), message);
    }

    void error(Response response, Callback callback, int status, @Nullable JsonNode id, int code, String message) {
        json(response, callback, status, JsonRpcMessage.Response.failure(id, JsonRpcError.of(code, message)));
    }

    void empty(Response response, Callback callback, int status) {
        response.setStatus(status);
        response.write(true, null, callback);
    }
}
