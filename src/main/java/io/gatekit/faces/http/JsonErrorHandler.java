package io.gatekit.faces.http;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * The answer to what Jetty refuses before the MCP endpoint sees it (an illegal character in the request line, a
 * malformed header, an unparsable URI) or what fails outside it: a JSON-RPC error body with the HTTP status, like
 * every other refusal of the face, instead of Jetty's HTML page. A client that reads the body as JSON-RPC then
 * shows the reason rather than a parse failure.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final HttpField JSON_TYPE = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");
    private final JsonRpcCodec codec;

    JsonErrorHandler(JsonRpcCodec codec) {
        this.codec = codec;
    }

    /** Every error Jetty answers itself, the HTTP parser's included (Jetty 12.1 routes those here too). */
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ERROR_STATUS) instanceof Integer code ? code : response.getStatus();
        String reason = request.getAttribute(ERROR_MESSAGE) instanceof String message ? message : null;
        response.getHeaders().put(JSON_TYPE);
        response.getHeaders().put(ERROR_CACHE_CONTROL);
        response.write(true, ByteBuffer.wrap(body(status, reason)), callback);
        return true;
    }

    private byte[] body(int status, @Nullable String reason) {
        String what = HttpStatus.getMessage(status);
        String message = reason == null || reason.isBlank() || reason.equals(what) ? what : what + ": " + reason;
        ErrorCode code = status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.INVALID_REQUEST;
        return codec.encode(JsonRpcMessage.Response.failure(null, JsonRpcError.of(code, message)));
    }
}
