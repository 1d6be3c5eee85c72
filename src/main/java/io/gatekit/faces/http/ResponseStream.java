package io.gatekit.faces.http;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage;
import java.io.IOException;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one posted request onto its POST: JSON if the answer comes within a keep-alive interval, else an event stream
 * carrying the request's progress, keep-alive comments and finally the answer. {@code finish} turns the answer
 * into what the client gets (the modern era adds {@code resultType}), {@code status} picks the HTTP status of an
 * answer sent as JSON (a streamed one is already 200; an admission refusal sent as JSON is 429). Used once, by the request's own thread.
 */
final class ResponseStream {
    private static final Logger log = LoggerFactory.getLogger(ResponseStream.class);

    private final HttpSession session;
    private final PostedRequest post;
    private final Response response;
    private final Callback callback;
    private final JsonRpcCodec codec;
    private final HttpReplies replies;
    private final StreamTimings timings;
    private final UnaryOperator<JsonRpcMessage.Response> finish;
    private final ToIntFunction<JsonRpcMessage.Response> status;
    private @Nullable SseStream sse;
    private int events;

    ResponseStream(HttpSession session, PostedRequest post, Response response, Callback callback, HttpReplies replies,
            StreamTimings timings, UnaryOperator<JsonRpcMessage.Response> finish,
            ToIntFunction<JsonRpcMessage.Response> status) {
        this.session = session;
        this.post = post;
        this.response = response;
        this.callback = callback;
        this.codec = replies.codec();
        this.replies = replies;
        this.timings = timings;
        this.finish = finish;
        this.status = status;
    }

    /** The response sent, or null if the client went away first (the request was then cancelled). */
    JsonRpcMessage.@Nullable Response run() throws InterruptedException {
        long deadline = System.nanoTime() + timings.requestBound().toNanos();
        try {
            while (true) {
                JsonRpcMessage message = post.next(timings.keepAlive());
                if (PostedRequest.isSentinel(message, PostedRequest.GONE)) {
                    return vanished(new IOException("the client closed the connection"));
                }
                if (PostedRequest.isSentinel(message, PostedRequest.END) || (message == null && System.nanoTime() > deadline)) {
                    if (message == null) {
                        session.cancel(post);
                    }
                    message = JsonRpcMessage.Response.failure(post.requestId(), JsonRpcError.of(ErrorCode.INTERNAL_ERROR,
                            session.isEnded() ? "The session ended before the request was answered"
                                    : message == null ? "No answer within " + timings.requestBound().toSeconds() + " s"
                                    : "The request was cancelled by the client"));
                }
                if (message == null) {
                    streaming().comment("keep-alive");
                    continue;
                }
                if (message instanceof JsonRpcMessage.Response answer) {
                    message = finish.apply(answer);
                }
                if (message instanceof JsonRpcMessage.Response answer && sse == null) {
                    replies.answer(response, callback, status.applyAsInt(answer), answer);
                    return answer;
                }
                streaming().event(post.stream() + "-" + ++events, codec.encode(message));
                if (message instanceof JsonRpcMessage.Response answer) {
                    callback.succeeded();
                    return answer;
                }
            }
        } catch (IOException e) {
            return vanished(e);
        }
    }

    private SseStream streaming() throws IOException {
        if (sse == null) {
            sse = SseStream.open(response, timings.writeTimeout());
            post.markStreaming();
        }
        return sse;
    }

    private JsonRpcMessage.@Nullable Response vanished(IOException e) {
        log.debug("session {}: client gone while waiting for {}: {}", session.id(), post.requestId(), e.getMessage());
        session.cancel(post);
        callback.failed(e);
        return null;
    }
}
