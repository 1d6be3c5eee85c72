package io.gatekit.jsonrpc;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One JSON-RPC 2.0 message as MCP uses it (no batches). Ids keep their JSON type (string or number) because
 * a response must carry the id exactly as the requester sent it. {@code params}, {@code result} and
 * {@code data} stay Jackson trees: the gateway rewrites a few fields and passes everything else through.
 */
public sealed interface JsonRpcMessage {

    /** A request: has a method and a non-null string or integer id. */
    record Request(JsonNode id, String method, @Nullable JsonNode params) implements JsonRpcMessage {
        public Request {
            if (!JsonRpcIds.isValid(id)) {
                throw new IllegalArgumentException("request id must be a string or an integer, got " + id);
            }
        }

        /** The same request under another id. */
        public Request withId(JsonNode newId) {
            return new Request(newId, method, params);
        }

        /** The same request with other params. */
        public Request withParams(@Nullable JsonNode newParams) {
            return new Request(id, method, newParams);
        }
    }

    /** A notification: a method and no id; never answered. */
    record Notification(String method, @Nullable JsonNode params) implements JsonRpcMessage {}

    /**
     * A response: exactly one of {@code result} and {@code error}. The id is null only in an error answering
     * a message whose id could not be read.
     */
    record Response(@Nullable JsonNode id, @Nullable JsonNode result, @Nullable JsonRpcError error) implements JsonRpcMessage {
        public Response {
            if ((result == null) == (error == null)) {
                throw new IllegalArgumentException("a response has exactly one of result and error");
            }
        }

        public static Response success(@Nullable JsonNode id, JsonNode result) {
            return new Response(id, result, null);
        }

        public static Response failure(@Nullable JsonNode id, JsonRpcError error) {
            return new Response(id, null, error);
        }

        public boolean isError() {
            return error != null;
        }

        /**
         * The result, for a caller that has already handled the error case; an error response here is a bug in
         * the caller, hence the exception rather than a null.
         */
        public JsonNode successResult() {
            if (result == null) {
                throw new IllegalStateException("an error response has no result: " + error);
            }
            return result;
        }

        /** The same response under another id. */
        public Response withId(@Nullable JsonNode newId) {
            return new Response(newId, result, error);
        }
    }
}
