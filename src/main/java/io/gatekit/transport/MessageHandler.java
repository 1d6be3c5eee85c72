package io.gatekit.transport;

import io.gatekit.jsonrpc.Decoded;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Receives what a {@link MessageConnection} reads, on its reader thread, in arrival order. */
public interface MessageHandler {

    /** A decoded frame: a message, or the error to answer it with. Must not block for long. */
    void onMessage(Decoded decoded);

    /**
     * A message the peer sent on the response stream of one of our requests ({@code relatedId}, as sent): an
     * HTTP transport knows which request it belongs to. By default it is handled like any other.
     */
    default void onRelatedMessage(Decoded decoded, JsonNode relatedId) {
        onMessage(decoded);
    }

    /** A frame over the size limit was skipped. */
    void onOversized(Frame.Oversized frame);

    /** The input ended or failed; called once, last. {@code cause} is null for a clean end of stream. */
    void onClosed(@Nullable Throwable cause);
}
