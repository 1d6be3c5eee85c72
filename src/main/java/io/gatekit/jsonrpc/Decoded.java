package io.gatekit.jsonrpc;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** The outcome of decoding one framed message: a message, or the error to answer it with. */
public sealed interface Decoded {

    /** A well-formed JSON-RPC message. */
    record Ok(JsonRpcMessage message) implements Decoded {}

    /**
     * Not a valid message. {@code id} is the request id when it could be read (so the error can be
     * correlated), else null. {@code answerable} is false for input that must not be answered, such as a
     * malformed response: answering a response would start a ping-pong of errors.
     */
    record Invalid(@Nullable JsonNode id, JsonRpcError error, boolean answerable) implements Decoded {}
}
