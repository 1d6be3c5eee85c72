package io.gatekit.faces.http;

import io.gatekit.jsonrpc.JsonRpcMessage;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One POSTed request waiting for its answer: the response, and any progress or server-to-client requests that
 * belong on its stream, queue here from gateway threads; the HTTP handler thread drains them.
 *
 * <p>Concurrency: gateway threads deliver into a blocking queue and the one HTTP handler thread drains it. {@code
 * streaming} is volatile: set by the handler thread, read by gateway threads choosing a stream for a
 * server-to-client request.
 */
final class PostedRequest {
    /** Queued when the post can no longer be answered (session ended, request cancelled by the client). */
    static final JsonRpcMessage END = new JsonRpcMessage.Notification("$end", null);
    /** Queued when the client's connection failed: nobody is waiting any more. */
    static final JsonRpcMessage GONE = new JsonRpcMessage.Notification("$gone", null);

    /**
     * Whether {@code message} is the sentinel itself. Identity, not equality, on purpose: a real notification that
     * happened to have the same method and params must never read as a sentinel.
     */
    @SuppressWarnings("ReferenceEquality")
    static boolean isSentinel(@Nullable JsonRpcMessage message, JsonRpcMessage sentinel) {
        return message == sentinel;
    }

    private final JsonNode requestId;
    private final @Nullable JsonNode progressToken;
    private final int stream;
    private final LinkedBlockingQueue<JsonRpcMessage> queue = new LinkedBlockingQueue<>();
    private volatile boolean streaming;

    PostedRequest(JsonNode requestId, @Nullable JsonNode progressToken, int stream) {
        this.requestId = requestId;
        this.progressToken = progressToken;
        this.stream = stream;
    }

    JsonNode requestId() {
        return requestId;
    }

    boolean ownsProgress(@Nullable JsonNode token) {
        return progressToken != null && progressToken.equals(token);
    }

    /** The stream number, part of each SSE event id sent on this post. */
    int stream() {
        return stream;
    }

    void deliver(JsonRpcMessage message) {
        queue.add(message);
    }

    void end() {
        queue.add(END);
    }

    /** The next message, or null after {@code wait}. */
    @Nullable JsonRpcMessage next(Duration wait) throws InterruptedException {
        return queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    void markStreaming() {
        streaming = true;
    }

    /** True once the answer is an event stream (server-to-client requests may then ride on it). */
    boolean isStreaming() {
        return streaming;
    }
}
