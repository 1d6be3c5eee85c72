package io.gatekit.transport;

import io.gatekit.jsonrpc.Decoded;

/** Receives what a {@link MessageConnection} reads, on its reader thread, in arrival order. */
public interface MessageHandler {

    /** A decoded frame: a message, or the error to answer it with. Must not block for long. */
    void onMessage(Decoded decoded);

    /** A frame over the size limit was skipped. */
    void onOversized(Frame.Oversized frame);

    /** The input ended or failed; called once, last. {@code cause} is null for a clean end of stream. */
    void onClosed(Throwable cause);
}
