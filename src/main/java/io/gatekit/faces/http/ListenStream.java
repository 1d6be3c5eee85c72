package io.gatekit.faces.http;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.jsonrpc.McpMeta;
import io.gatekit.session.ClientChannel;
import io.gatekit.session.SubscriptionFilter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One {@code subscriptions/listen} stream of the modern (2026-07-28) era, and the way back to the gateway client
 * opened for it. The gateway ({@code routing.ResourceSubscriptions}) answers the listen request with the subset it honours; this
 * stream turns that answer into {@code notifications/subscriptions/acknowledged}, always its first event, then
 * carries only the list changes and resource updates the acknowledgement names. Every notification on it carries
 * {@code _meta["io.modelcontextprotocol/subscriptionId"]}, the listen request's id; progress, log messages and
 * server-to-client requests never go on it. The client ends the stream by closing it; the gateway ends it
 * gracefully ({@link #end}) with the listen request's response, {@code resultType: "complete"}.
 *
 * <p>Concurrency: gateway threads offer notifications to a bounded queue (and set the volatile {@code overflowed}
 * when it is full); only the handler thread in {@link #run} takes from it and touches {@code sse}, {@code honoured}
 * and {@code early}, so those need no lock.
 */
final class ListenStream implements ClientChannel {
    private static final Logger log = LoggerFactory.getLogger(ListenStream.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String ACKNOWLEDGED = "notifications/subscriptions/acknowledged";
    /** The only notifications a listen stream can carry; which of them it does is up to the acknowledgement. */
    private static final Set<String> CARRIED = Set.of("notifications/tools/list_changed",
            "notifications/prompts/list_changed", "notifications/resources/list_changed", "notifications/resources/updated");
    /** Undelivered messages kept for a client that reads slowly; past it the stream ends and the client re-listens. */
    static final int BACKLOG = 1000;

    private static final JsonRpcMessage END = new Notification("$end", null);
    private static final JsonRpcMessage GONE = new Notification("$gone", null);

    private final JsonNode subscriptionId;
    private final JsonRpcCodec codec;
    private final Duration keepAlive;
    private final Duration writeTimeout;
    private final Duration answerBound;
    private final LinkedBlockingQueue<JsonRpcMessage> queue = new LinkedBlockingQueue<>(BACKLOG);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean overflowed;

    // Used only by the thread in run().
    private @Nullable SseStream sse;
    private @Nullable SubscriptionFilter honoured;
    private final List<Notification> early = new ArrayList<>();

    /** {@code timings.requestBound()} is how long the gateway may take to answer the listen (subscribing upstream). */
    ListenStream(Request listen, JsonRpcCodec codec, StreamTimings timings) {
        this.subscriptionId = listen.id();
        this.codec = codec;
        this.keepAlive = timings.keepAlive();
        this.writeTimeout = timings.writeTimeout();
        this.answerBound = timings.requestBound();
    }

    // --- the gateway's side ---

    @Override
    public boolean send(JsonRpcMessage message) {
        return switch (message) {
            case Response response when subscriptionId.equals(response.id()) -> enqueue(response);
            case Response ignored -> true;
            // The 2026-07-28 era has no server-to-client requests: refused, so the upstream is answered at once.
            case Request ignored -> false;
            case Notification n when CARRIED.contains(n.method()) -> enqueue(n);
            // Progress, log messages and the rest never go on a listen stream.
            case Notification ignored -> true;
        };
    }

    private boolean enqueue(JsonRpcMessage message) {
        if (!queue.offer(message)) {
            // Dropping one silently would leave the client believing it is up to date; ending the stream tells it.
            overflowed = true;
        }
        return true;
    }

    /** The gateway is stopping: end with the listen request's response (graceful). */
    void end() {
        queue.offer(END);
    }

    /** The client's connection failed: nobody is listening any more. */
    void gone() {
        queue.offer(GONE);
    }

    /** Waits at most {@code wait} for {@link #run} to return; true if it has. */
    boolean awaitFinished(Duration wait) throws InterruptedException {
        return finished.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    // --- the client's side ---

    /**
     * Serves the stream on the calling (handler) thread until it ends: by the client (closing it, or a failed
     * write), by {@link #end}, or when the gateway refuses the listen (its error is the answer). Until the gateway
     * answers only keep-alives are written, and notifications that race ahead of the answer wait for it, so the
     * acknowledgement is always the first event.
     */
    void run(org.eclipse.jetty.server.Response response, Callback callback, HttpReplies replies) throws InterruptedException {
        long ackDeadline = System.nanoTime() + answerBound.toNanos();
        try {
            while (true) {
                JsonRpcMessage next = queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
                if (PostedRequest.isSentinel(next, GONE) || overflowed) {
                    String why = PostedRequest.isSentinel(next, GONE) ? "the client closed the stream"
                            : "more than " + BACKLOG + " notifications undelivered";
                    log.debug("listen {} ended: {}", subscriptionId, why);
                    callback.failed(new IOException(why));
                    return;
                }
                if (PostedRequest.isSentinel(next, END)) {
                    ObjectNode result = NODES.objectNode().put("resultType", "complete");
                    result.putObject("_meta").set(McpMeta.SUBSCRIPTION_ID, subscriptionId);
                    answer(Response.success(subscriptionId, result), response, callback, replies);
                    return;
                }
                switch (next) {
                    case null -> {
                        if (honoured == null && System.nanoTime() > ackDeadline) {
                            answer(Response.failure(subscriptionId, JsonRpcError.of(ErrorCode.INTERNAL_ERROR,
                                    "subscriptions/listen was not acknowledged within " + answerBound.toSeconds() + " s")),
                                    response, callback, replies);
                            return;
                        }
                        stream(response).comment("keep-alive");
                    }
                    case Response answer when answer.isError() -> {
                        answer(answer, response, callback, replies);
                        return;
                    }
                    case Response answer -> acknowledge(answer, response);
                    case Notification n when honoured == null -> early.add(n);
                    case Notification n -> deliver(n, response);
                    case Request ignored -> { }
                }
            }
        } catch (IOException e) {
            log.debug("listen {}: stream closed: {}", subscriptionId, e.getMessage());
            callback.failed(e);
        } finally {
            finished.countDown();
        }
    }

    /** The gateway's answer names the honoured subset: acknowledge it, then send what arrived meanwhile. */
    private void acknowledge(Response answer, org.eclipse.jetty.server.Response response) throws IOException {
        SubscriptionFilter granted = SubscriptionFilter.parse(codec.materialize(answer.successResult()).get("notifications"));
        honoured = granted;
        ObjectNode params = NODES.objectNode();
        params.set("notifications", granted.toJson());
        write(new Notification(ACKNOWLEDGED, params), response);
        for (Notification n : early) {
            deliver(n, response);
        }
        early.clear();
    }

    private void deliver(Notification n, org.eclipse.jetty.server.Response response) throws IOException {
        // Which resource's updates reach this client is decided by the gateway's subscriptions (per URI); the
        // check here is the last guard that no unrequested type goes out.
        SubscriptionFilter granted = Objects.requireNonNull(honoured, "notifications are delivered after the acknowledgement");
        boolean wanted = n.method().equals("notifications/resources/updated")
                ? !granted.resourceSubscriptions().isEmpty() : granted.wantsListChanged(n.method());
        if (wanted) {
            write(n, response);
        }
    }

    /** Writes a notification tagged with this stream's subscription id (a copy: the same one goes to other clients). */
    private void write(Notification n, org.eclipse.jetty.server.Response response) throws IOException {
        JsonNode original = n.params();
        ObjectNode params = original != null && codec.materialize(original) instanceof ObjectNode given ? given.deepCopy()
                : NODES.objectNode();
        ObjectNode meta = params.get("_meta") instanceof ObjectNode given ? given : params.putObject("_meta");
        meta.set(McpMeta.SUBSCRIPTION_ID, subscriptionId);
        stream(response).event(null, codec.encode(new Notification(n.method(), params)));
    }

    /** The listen request's own response, which ends the stream: JSON if nothing was streamed yet, else the last event. */
    private void answer(Response answer, org.eclipse.jetty.server.Response response, Callback callback, HttpReplies replies)
            throws IOException {
        SseStream open = sse;
        if (open == null) {
            replies.answer(response, callback, 200, answer);
            return;
        }
        open.event(null, codec.encode(answer));
        callback.succeeded();
    }

    private SseStream stream(org.eclipse.jetty.server.Response response) throws IOException {
        if (sse == null) {
            sse = SseStream.open(response, writeTimeout);
        }
        return sse;
    }
}
