package io.gatekit.upstream;

import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.session.Principal;
import io.gatekit.transport.MessageHandler;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How messages reach one upstream and come back: a child process's stdio, or Streamable HTTP. The correlation
 * above it ({@link UpstreamConnection}) is the same for both.
 */
interface UpstreamWire {

    /** Starts delivering what the upstream sends to {@code handler}; {@code onClosed} when the wire ends. */
    void start(MessageHandler handler);

    /** Sends one message; false when the wire is closed. Must not block for long. */
    boolean send(JsonRpcMessage message);

    /**
     * Sends a client's request on behalf of {@code caller}: a wire whose requests carry per-caller credentials
     * (token exchange) uses them for this one; the others send it as any message.
     */
    default boolean send(JsonRpcMessage message, @Nullable Principal caller) {
        return send(message);
    }

    /** Why the wire ended, for error messages ("exited with code 3; last stderr: ..."). */
    String describeEnd(@Nullable Throwable cause);

    /** Ends the session with the upstream and releases everything (process, connections). */
    void shutdown(Duration grace);

    /** The process id, for a wire that is a child process. */
    Optional<Long> pid();
}
