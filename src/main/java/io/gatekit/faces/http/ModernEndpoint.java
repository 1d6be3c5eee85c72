package io.gatekit.faces.http;

import io.gatekit.jsonrpc.McpHeaders;
import io.gatekit.jsonrpc.ProtocolVersions;
import io.gatekit.Gateway;
import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.McpMeta;
import io.gatekit.session.Principal;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The modern (2026-07-28, stateless) era of the endpoint: a POST without a session whose {@code params._meta}
 * names a modern version is answered on its own, through a one-request gateway client opened for it and closed
 * after; {@code subscriptions/listen} keeps such a client for as long as its stream is open ({@link ListenStream});
 * {@code server/discover} is answered by the gateway. Each request carries its own caller, authenticated by the front
 * door, and its one-request client is that caller's.
 *
 * <p>Concurrency: each HTTP request runs on its own virtual thread. What they share is thread-safe on its own (an
 * atomic counter naming the clients, the semaphore bounding stateless requests and listen streams, the concurrent
 * set of open listen streams), so the endpoint holds no lock.
 */
final class ModernEndpoint {
    private final Gateway gateway;
    private final HttpReplies replies;
    private final StreamTimings timings;
    private final int maxClients;
    private final AtomicLong counter = new AtomicLong();
    private final Semaphore slots;
    private final Set<ListenStream> listenStreams = ConcurrentHashMap.newKeySet();

    /** {@code maxClients}: how many stateless requests and listen streams may be open at once. */
    ModernEndpoint(Gateway gateway, HttpReplies replies, StreamTimings timings, int maxClients) {
        this.gateway = gateway;
        this.replies = replies;
        this.timings = timings;
        this.maxClients = maxClients;
        this.slots = new Semaphore(maxClients);
    }

    /** A POST without a session whose {@code _meta} names {@code version}: answered on its own, no session kept. */
    void post(String version, JsonRpcMessage message, Decoded decoded, Principal caller, Request request,
            Response response, Callback callback) throws InterruptedException {
        JsonNode id = HttpReplies.idOf(message);
        if (!ProtocolVersions.MODERN_VERSIONS.contains(version)) {
            replies.json(response, callback, 400, JsonRpcMessage.Response.failure(id, ModernEra.unsupported(version)));
            return;
        }
        JsonRpcError headers = ModernEra.headerProblem(message, version, request.getHeaders().get(McpHeaders.PROTOCOL_VERSION),
                request.getHeaders().get(McpHeaders.METHOD), request.getHeaders().get(McpHeaders.NAME));
        if (headers != null) {
            replies.json(response, callback, 400, JsonRpcMessage.Response.failure(id, headers));
            return;
        }
        if (!(message instanceof JsonRpcMessage.Request r)) {
            // Stateless clients cancel by closing the response stream; other notifications have nothing to act on.
            replies.empty(response, callback, 202);
            return;
        }
        JsonRpcError envelope = ModernEra.checkEnvelope(r);
        if (envelope != null) {
            replies.json(response, callback, 400, JsonRpcMessage.Response.failure(id, envelope));
            return;
        }
        if (ModernEra.LEGACY_ONLY_METHODS.contains(r.method())) {
            replies.json(response, callback, 404, JsonRpcMessage.Response.failure(id, ModernEra.legacyOnly(r.method())));
            return;
        }
        // A listen stream holds its slot for as long as it is open: it is a client like any stateless request.
        if (!slots.tryAcquire()) {
            replies.error(response, callback, 503, r.id(), ErrorCode.OVERLOADED, "Too many stateless requests and listen"
                    + " streams open (limit " + maxClients + ", proxy.http.max_sessions); retry when some have ended");
            return;
        }
        try {
            switch (r.method()) {
                case "server/discover" -> discover(r, caller, request, response, callback);
                case "subscriptions/listen" -> listen(version, r, decoded, caller, request, response, callback);
                default -> answer(version, r, decoded, caller, request, response, callback);
            }
        } finally {
            slots.release();
        }
    }

    /** One stateless request on a client of its own, closed (with anything it left in flight) once answered. */
    private void answer(String version, JsonRpcMessage.Request r, Decoded decoded, Principal caller, Request request,
            Response response, Callback callback) throws InterruptedException {
        try (OneRequestClient client = oneRequestClient(caller)) {
            client.endpoint().session().initialized(ModernEra.clientInfo(version, r));
            // 2026-07-28 logging is per request: log messages about it only at the level it names, none without one.
            client.endpoint().session().setLogLevel(ModernEra.logLevel(r));
            PostedRequest post = client.open(r, request);
            try {
                client.endpoint().handler().onMessage(decoded);
                new ResponseStream(client.session(), post, response, callback, replies, timings,
                        answer -> ModernEra.complete(r, answer, replies.codec()), ModernEra::status).run();
            } finally {
                client.session().finish(post);
            }
        }
    }

    /**
     * {@code server/discover}: the gateway's own answer (every version it serves, the capabilities its upstreams
     * give it, their instructions), taken from an {@code initialize} run on a one-request client.
     */
    private void discover(JsonRpcMessage.Request r, Principal caller, Request request, Response response,
            Callback callback) throws InterruptedException {
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        params.put("protocolVersion", ProtocolVersions.LATEST_LEGACY);
        params.set("capabilities", ModernEra.metaObject(r, McpMeta.CLIENT_CAPABILITIES));
        params.set("clientInfo", ModernEra.metaObject(r, McpMeta.CLIENT_INFO));
        JsonRpcMessage.Request initialize = new JsonRpcMessage.Request(r.id(), "initialize", params);
        try (OneRequestClient client = oneRequestClient(caller)) {
            PostedRequest post = client.open(initialize, request);
            try {
                client.endpoint().handler().onMessage(new Decoded.Ok(initialize));
                long deadline = System.nanoTime() + timings.requestBound().toNanos();
                while (System.nanoTime() < deadline) {
                    JsonRpcMessage next = post.next(timings.keepAlive());
                    if (PostedRequest.isSentinel(next, PostedRequest.GONE) || PostedRequest.isSentinel(next, PostedRequest.END)) {
                        callback.failed(new IOException("the client went away before server/discover was answered"));
                        return;
                    }
                    if (next instanceof JsonRpcMessage.Response answer) {
                        JsonRpcMessage.Response discovered = answer.isError() ? answer
                                : JsonRpcMessage.Response.success(r.id(), ModernEra.discovery(answer.successResult()));
                        replies.json(response, callback, 200, ModernEra.complete(r, discovered, replies.codec()));
                        return;
                    }
                }
                replies.error(response, callback, 200, r.id(), ErrorCode.INTERNAL_ERROR,
                        "No answer to server/discover within " + timings.requestBound().toSeconds() + " s");
            } finally {
                client.session().finish(post);
            }
        }
    }

    /** A gateway client for one stateless request: no session id, no GET buffer, closed when the request is done. */
    private OneRequestClient oneRequestClient(Principal caller) {
        HttpSession session = new HttpSession("modern-" + counter.incrementAndGet(), caller, true);
        Gateway.ClientEndpoint endpoint = gateway.open("http-modern", session, () -> {});
        endpoint.session().authenticated(caller);
        session.attach(endpoint);
        return new OneRequestClient(session, endpoint);
    }

    private record OneRequestClient(HttpSession session, Gateway.ClientEndpoint endpoint) implements AutoCloseable {
        /** Registers the request; closing its response stream is how a 2026-07-28 client cancels it (upstream too). */
        PostedRequest open(JsonRpcMessage.Request r, Request request) {
            PostedRequest post = Objects.requireNonNull(session.open(r), "a new session has no request waiting");
            request.addFailureListener(failure -> post.deliver(PostedRequest.GONE));
            return post;
        }

        /** Ends the client, cancelling anything it left in flight. */
        @Override
        public void close() {
            session.end();
            endpoint.handler().onClosed(null);
        }
    }

    /**
     * {@code subscriptions/listen}: a gateway client of its own for as long as the stream is open, whose channel
     * is the stream ({@link ListenStream}). The gateway acknowledges what it can deliver and subscribes upstream;
     * closing the stream closes the client, which unsubscribes upstream what only this stream wanted.
     */
    private void listen(String version, JsonRpcMessage.Request r, Decoded decoded, Principal caller, Request request,
            Response response, Callback callback) throws InterruptedException {
        ListenStream stream = new ListenStream(r, replies.codec(), timings);
        Gateway.ClientEndpoint endpoint = gateway.open("http-listen", stream, () -> {});
        endpoint.session().authenticated(caller);
        endpoint.session().initialized(ModernEra.clientInfo(version, r));
        listenStreams.add(stream);
        // Closing the stream is how a 2026-07-28 client ends a listen (else the next keep-alive write notices).
        request.addFailureListener(failure -> stream.gone());
        try {
            endpoint.handler().onMessage(decoded);
            stream.run(response, callback, replies);
        } finally {
            listenStreams.remove(stream);
            // Closing the client is what releases its upstream subscriptions (the last subscriber unsubscribes).
            endpoint.handler().onClosed(null);
        }
    }

    /**
     * The face is stopping: every listen stream ends gracefully with the listen request's {@code complete} response
     * (so clients can tell a deliberate end from a broken connection), waiting at most {@code grace} in all.
     */
    void endListenStreams(Duration grace) {
        List<ListenStream> open = List.copyOf(listenStreams);
        open.forEach(ListenStream::end);
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            for (ListenStream stream : open) {
                stream.awaitFinished(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
