package io.gatekit.faces.http;

import io.gatekit.Gateway;
import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.jsonrpc.McpMeta;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP endpoint. Legacy Streamable HTTP (2024-11-05 to 2025-11-25): POST carries one client message, GET
 * opens the session's standalone event stream, DELETE ends the session. The stateless 2026-07-28 era on the same
 * endpoint: a POST without a session whose {@code params._meta} names a modern version is answered on its own,
 * through a one-request gateway client opened for it and closed after; {@code subscriptions/listen} keeps such a
 * client for as long as its stream is open ({@link ListenStream}). Runs on virtual threads and blocks
 * freely; every wait is bounded by the keep-alive interval, the write timeout or the request timeout.
 *
 * <p>Concurrency: each HTTP request runs on its own virtual thread. What they share is thread-safe on its own (the
 * session registry, an atomic counter, the semaphore bounding stateless requests, the concurrent set of open listen
 * streams), so the handler holds no lock.
 */
final class McpHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(McpHandler.class);
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final Set<String> LEGACY_VERSIONS = Set.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

    private final Gateway gateway;
    private final JsonRpcCodec codec;
    private final HttpReplies replies;
    private final SessionRegistry registry;
    private final OriginPolicy origins;
    private final String path;
    private final int maxMessageBytes;
    private final Duration keepAlive;
    private final Duration writeTimeout;
    private final Duration requestBound;
    private final AtomicLong statelessCounter = new AtomicLong();
    private final java.util.concurrent.Semaphore statelessSlots;
    private final Set<ListenStream> listenStreams = java.util.concurrent.ConcurrentHashMap.newKeySet();

    McpHandler(Gateway gateway, SessionRegistry registry, OriginPolicy origins, String path, Duration keepAlive) {
        this.gateway = gateway;
        this.codec = gateway.codec();
        this.replies = new HttpReplies(codec);
        this.registry = registry;
        this.origins = origins;
        this.path = path;
        this.maxMessageBytes = gateway.config().proxy().limits().maxMessageBytes();
        this.keepAlive = keepAlive;
        this.writeTimeout = keepAlive.plusSeconds(15);
        // The core answers every request by request_timeout; this only guards against an answer that never comes.
        this.requestBound = gateway.config().proxy().timeouts().request().plusSeconds(30);
        // A stateless request is a one-request client: the session cap bounds how many run at once, too.
        this.statelessSlots = new java.util.concurrent.Semaphore(registry.maxSessions());
    }

    @Override
    public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
            Callback callback) {
        if (!path.equals(org.eclipse.jetty.server.Request.getPathInContext(request))) {
            // A clean 404 (also for OAuth discovery probes such as /.well-known/oauth-protected-resource): this
            // gateway does no authorization, and clients then go ahead without it.
            replies.error(response, callback, 404, null, ErrorCode.INVALID_REQUEST,
                    "Not found: the MCP endpoint is " + path);
            return true;
        }
        String refusal = origins.refusal(request.getHeaders().get(HttpHeader.HOST), request.getHeaders().get(HttpHeader.ORIGIN));
        if (refusal != null) {
            log.warn("refused {} {}: {}", request.getMethod(), path, refusal);
            replies.error(response, callback, 403, null, ErrorCode.INVALID_REQUEST, refusal);
            return true;
        }
        try {
            switch (request.getMethod()) {
                case "POST" -> post(request, response, callback);
                case "GET" -> get(request, response, callback);
                case "DELETE" -> delete(request, response, callback);
                default -> {
                    response.getHeaders().put(HttpHeader.ALLOW, "GET, POST, DELETE");
                    replies.error(response, callback, 405, null, ErrorCode.INVALID_REQUEST,
                            "Method " + request.getMethod() + " is not allowed on the MCP endpoint; use POST, GET or DELETE");
                }
            }
        } catch (Exception e) {
            log.warn("{} {} failed: {}", request.getMethod(), path, e.toString());
            if (!response.isCommitted()) {
                replies.error(response, callback, 500, null, ErrorCode.INTERNAL_ERROR, "Internal error: " + e.getMessage());
            } else {
                callback.failed(e);
            }
        }
        return true;
    }

    // --- POST: one client message ---

    private void post(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
            Callback callback) throws IOException, InterruptedException {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType == null || !mediaType(contentType).equals("application/json")) {
            replies.error(response, callback, 415, null, ErrorCode.INVALID_REQUEST,
                    "Unsupported Content-Type " + (contentType == null ? "(none)" : "'" + contentType + "'")
                            + "; POST one JSON-RPC message as application/json");
            return;
        }
        if (!accepts(request, "application/json") || !accepts(request, "text/event-stream")) {
            replies.error(response, callback, 406, null, ErrorCode.INVALID_REQUEST,
                    "Not Acceptable: the Accept header must list application/json and text/event-stream");
            return;
        }
        byte[] body = readBounded(request);
        if (body == null) {
            replies.error(response, callback, 413, null, ErrorCode.INVALID_REQUEST, "Message exceeds the limit of "
                    + maxMessageBytes + " bytes (proxy.limits.max_message_bytes)");
            return;
        }
        Decoded decoded = codec.decode(body);
        if (decoded instanceof Decoded.Invalid invalid) {
            replies.json(response, callback, 400, Response.failure(invalid.id(), invalid.error()));
            return;
        }
        JsonRpcMessage message = ((Decoded.Ok) decoded).message();
        String methodHeader = request.getHeaders().get(McpMeta.METHOD_HEADER);
        String bodyMethod = ModernEra.methodOf(message);
        if (methodHeader != null && bodyMethod != null && !ModernEra.headerValue(methodHeader).equals(bodyMethod)) {
            replies.json(response, callback, 400, Response.failure(idOf(message), ModernEra.mismatch(
                    "Mcp-Method is '" + methodHeader + "' but the body's method is '" + bodyMethod + "'")));
            return;
        }
        String modernVersion = request.getHeaders().get(SESSION_HEADER) == null ? ModernEra.requestedVersion(message) : null;
        if (modernVersion != null && !"initialize".equals(bodyMethod)) {
            modern(modernVersion, message, decoded, request, response, callback);
            return;
        }
        String version = request.getHeaders().get(McpMeta.VERSION_HEADER);
        if (version != null && !LEGACY_VERSIONS.contains(version)) {
            replies.error(response, callback, 400, idOf(message), ErrorCode.INVALID_REQUEST,
                    "Unsupported MCP-Protocol-Version '" + version + "'; supported: " + List.copyOf(LEGACY_VERSIONS));
            return;
        }
        String sessionId = request.getHeaders().get(SESSION_HEADER);
        HttpSession session;
        boolean created = false;
        if (message instanceof Request r && r.method().equals("initialize") && sessionId == null) {
            try {
                session = registry.create(s -> gateway.open("http", s, () -> registry.end(s, "closed by the gateway")));
                created = true;
            } catch (SessionRegistry.FullException e) {
                replies.error(response, callback, 503, r.id(), ErrorCode.OVERLOADED, e.getMessage());
                return;
            }
        } else {
            session = session(sessionId, idOf(message), response, callback);
            if (session == null) {
                return;
            }
        }
        session.connectionOpened();
        try {
            if (message instanceof Request r) {
                answer(session, r, decoded, created, request, response, callback);
            } else {
                if (message instanceof Notification n && n.method().equals("notifications/cancelled") && n.params() != null) {
                    session.abandon(n.params().get("requestId"));
                }
                session.attached().handler().onMessage(decoded);
                replies.empty(response, callback, 202);
            }
        } finally {
            session.connectionClosed();
        }
    }

    private void answer(HttpSession session, Request r, Decoded decoded, boolean created,
            org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response, Callback callback)
            throws InterruptedException {
        Exchange exchange = session.open(r);
        if (exchange == null) {
            replies.error(response, callback, 200, r.id(), ErrorCode.INVALID_REQUEST, "Request id " + r.id()
                    + " is already in flight in this session; ids must be unique among outstanding requests");
            return;
        }
        if (created) {
            response.getHeaders().put(SESSION_HEADER, session.id());
        }
        request.addFailureListener(failure -> exchange.deliver(Exchange.GONE));
        Response last = null;
        try {
            session.attached().handler().onMessage(decoded);
            last = new ResponseStream(session, exchange, response, callback, UnaryOperator.identity()).run();
        } finally {
            session.finish(exchange);
            if (created && (last == null || last.isError())) {
                registry.end(session, "initialize failed");
            }
        }
    }

    /** Drains one exchange onto its POST: JSON if the answer comes first, else an event stream. */
    private final class ResponseStream {
        private final HttpSession session;
        private final Exchange exchange;
        private final org.eclipse.jetty.server.Response response;
        private final Callback callback;
        private final UnaryOperator<Response> finish;
        private @Nullable SseStream sse;
        private int events;

        ResponseStream(HttpSession session, Exchange exchange, org.eclipse.jetty.server.Response response, Callback callback,
                UnaryOperator<Response> finish) {
            this.finish = finish;
            this.session = session;
            this.exchange = exchange;
            this.response = response;
            this.callback = callback;
        }

        /** The response sent, or null if the client went away first (the request was then cancelled). */
        @Nullable Response run() throws InterruptedException {
            long deadline = System.nanoTime() + requestBound.toNanos();
            try {
                while (true) {
                    JsonRpcMessage message = exchange.next(keepAlive);
                    if (Exchange.isSentinel(message, Exchange.GONE)) {
                        return vanished(new IOException("the client closed the connection"));
                    }
                    if (Exchange.isSentinel(message, Exchange.END) || (message == null && System.nanoTime() > deadline)) {
                        if (message == null) {
                            session.cancel(exchange);
                        }
                        message = Response.failure(exchange.requestId(), JsonRpcError.of(ErrorCode.INTERNAL_ERROR,
                                session.isEnded() ? "The session ended before the request was answered"
                                        : message == null ? "No answer within " + requestBound.toSeconds() + " s"
                                        : "The request was cancelled by the client"));
                    }
                    if (message == null) {
                        streaming().comment("keep-alive");
                        continue;
                    }
                    if (message instanceof Response answer) {
                        message = finish.apply(answer);
                    }
                    if (message instanceof Response answer && sse == null) {
                        replies.json(response, callback, 200, answer);
                        return answer;
                    }
                    streaming().event(exchange.stream() + "-" + ++events, codec.encode(message));
                    if (message instanceof Response answer) {
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
                sse = SseStream.open(response, writeTimeout);
                exchange.markStreaming();
            }
            return sse;
        }

        private @Nullable Response vanished(IOException e) {
            log.debug("session {}: client gone while waiting for {}: {}", session.id(), exchange.requestId(), e.getMessage());
            session.cancel(exchange);
            callback.failed(e);
            return null;
        }
    }

    // --- the stateless 2026-07-28 era ---

    /** A POST without a session whose {@code _meta} names {@code version}: answered on its own, no session kept. */
    private void modern(String version, JsonRpcMessage message, Decoded decoded, org.eclipse.jetty.server.Request request,
            org.eclipse.jetty.server.Response response, Callback callback) throws InterruptedException {
        tools.jackson.databind.JsonNode id = idOf(message);
        if (!ModernEra.MODERN_VERSIONS.contains(version)) {
            replies.json(response, callback, 400, Response.failure(id, ModernEra.unsupported(version)));
            return;
        }
        String versionHeader = request.getHeaders().get(McpMeta.VERSION_HEADER);
        if (versionHeader != null && !versionHeader.strip().equals(version)) {
            replies.json(response, callback, 400, Response.failure(id, ModernEra.mismatch("MCP-Protocol-Version is '"
                    + versionHeader + "' but _meta[\"" + McpMeta.PROTOCOL_VERSION + "\"] is '" + version + "'")));
            return;
        }
        String nameHeader = request.getHeaders().get(McpMeta.NAME_HEADER);
        String name = ModernEra.nameOf(message);
        if (nameHeader != null && name != null && !ModernEra.headerValue(nameHeader).equals(name)) {
            replies.json(response, callback, 400, Response.failure(id, ModernEra.mismatch(
                    "Mcp-Name is '" + nameHeader + "' but the body names '" + name + "'")));
            return;
        }
        if (!(message instanceof Request r)) {
            // Stateless clients cancel by closing the response stream; other notifications have nothing to act on.
            replies.empty(response, callback, 202);
            return;
        }
        JsonRpcError envelope = ModernEra.checkEnvelope(r);
        if (envelope != null) {
            replies.json(response, callback, 400, Response.failure(id, envelope));
            return;
        }
        // A listen stream holds its slot for as long as it is open: it is a client like any stateless request.
        if (!statelessSlots.tryAcquire()) {
            replies.error(response, callback, 503, r.id(), ErrorCode.OVERLOADED, "Too many stateless requests and listen"
                    + " streams open (limit " + registry.maxSessions() + ", proxy.http.max_sessions); retry when some have ended");
            return;
        }
        try {
            switch (r.method()) {
                case "server/discover" -> discover(r, request, response, callback);
                case "subscriptions/listen" -> listen(version, r, decoded, request, response, callback);
                default -> stateless(version, r, decoded, request, response, callback);
            }
        } finally {
            statelessSlots.release();
        }
    }

    /** One stateless request on a client of its own, closed (with anything it left in flight) once answered. */
    private void stateless(String version, Request r, Decoded decoded, org.eclipse.jetty.server.Request request,
            org.eclipse.jetty.server.Response response, Callback callback) throws InterruptedException {
        HttpSession session = new HttpSession("stateless-" + statelessCounter.incrementAndGet(), true);
        Gateway.ClientEndpoint endpoint = gateway.open("http-stateless", session, () -> {});
        session.attach(endpoint);
        endpoint.session().initialized(ModernEra.clientInfo(version, r));
        // 2026-07-28 logging is per request: log messages about it only at the level it names, none without one.
        endpoint.session().setLogLevel(ModernEra.logLevel(r));
        Exchange exchange = Objects.requireNonNull(session.open(r), "a new session has no request waiting");
        // Closing the response stream is how a 2026-07-28 client cancels: the request is cancelled, upstream too.
        request.addFailureListener(failure -> exchange.deliver(Exchange.GONE));
        try {
            endpoint.handler().onMessage(decoded);
            new ResponseStream(session, exchange, response, callback, answer -> ModernEra.complete(r, answer, codec)).run();
        } finally {
            session.finish(exchange);
            session.end();
            endpoint.handler().onClosed(null);
        }
    }

    /**
     * {@code subscriptions/listen}: a gateway client of its own for as long as the stream is open, whose channel
     * is the stream ({@link ListenStream}). The gateway acknowledges what it can deliver and subscribes upstream;
     * closing the stream closes the client, which unsubscribes upstream what only this stream wanted.
     */
    private void listen(String version, Request r, Decoded decoded, org.eclipse.jetty.server.Request request,
            org.eclipse.jetty.server.Response response, Callback callback) throws InterruptedException {
        ListenStream stream = new ListenStream(r, codec, keepAlive, writeTimeout, requestBound);
        Gateway.ClientEndpoint endpoint = gateway.open("http-listen", stream, () -> {});
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

    /**
     * {@code server/discover}: the gateway's own answer (every version it serves, the capabilities its upstreams
     * give it, their instructions), taken from an {@code initialize} run on a one-request client.
     */
    private void discover(Request r, org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
            Callback callback) throws InterruptedException {
        HttpSession session = new HttpSession("stateless-" + statelessCounter.incrementAndGet(), true);
        Gateway.ClientEndpoint endpoint = gateway.open("http-stateless", session, () -> {});
        session.attach(endpoint);
        tools.jackson.databind.node.ObjectNode params = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        params.put("protocolVersion", "2025-11-25");
        params.set("capabilities", ModernEra.metaObject(r, McpMeta.CLIENT_CAPABILITIES));
        params.set("clientInfo", ModernEra.metaObject(r, McpMeta.CLIENT_INFO));
        Request initialize = new Request(r.id(), "initialize", params);
        Exchange exchange = Objects.requireNonNull(session.open(initialize), "a new session has no request waiting");
        request.addFailureListener(failure -> exchange.deliver(Exchange.GONE));
        try {
            endpoint.handler().onMessage(new Decoded.Ok(initialize));
            long deadline = System.nanoTime() + requestBound.toNanos();
            while (System.nanoTime() < deadline) {
                JsonRpcMessage next = exchange.next(keepAlive);
                if (Exchange.isSentinel(next, Exchange.GONE) || Exchange.isSentinel(next, Exchange.END)) {
                    callback.failed(new IOException("the client went away before server/discover was answered"));
                    return;
                }
                if (next instanceof Response answer) {
                    Response discovered = answer.isError() ? answer
                            : Response.success(r.id(), ModernEra.discovery(answer.successResult()));
                    replies.json(response, callback, 200, ModernEra.complete(r, discovered, codec));
                    return;
                }
            }
            replies.error(response, callback, 200, r.id(), ErrorCode.INTERNAL_ERROR,
                    "No answer to server/discover within " + requestBound.toSeconds() + " s");
        } finally {
            session.finish(exchange);
            session.end();
            endpoint.handler().onClosed(null);
        }
    }

    // --- GET: the standalone stream ---

    private void get(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
            Callback callback) throws InterruptedException {
        if (!accepts(request, "text/event-stream")) {
            replies.error(response, callback, 406, null, ErrorCode.INVALID_REQUEST,
                    "Not Acceptable: a GET on the MCP endpoint opens an event stream; Accept must list text/event-stream");
            return;
        }
        String version = request.getHeaders().get(McpMeta.VERSION_HEADER);
        if (version != null && ModernEra.MODERN_VERSIONS.contains(version.strip())) {
            // Same status as any GET without a session (the legacy era's 400), with what the client got wrong.
            replies.error(response, callback, 400, null, ErrorCode.INVALID_REQUEST, "MCP-Protocol-Version '" + version
                    + "' is stateless: it has no GET stream and no session; POST each request with its _meta");
            return;
        }
        if (version != null && !LEGACY_VERSIONS.contains(version)) {
            replies.error(response, callback, 400, null, ErrorCode.INVALID_REQUEST,
                    "Unsupported MCP-Protocol-Version '" + version + "'");
            return;
        }
        HttpSession session = session(request.getHeaders().get(SESSION_HEADER), null, response, callback);
        if (session == null) {
            return;
        }
        long cursor = session.attachGet(request.getHeaders().get("Last-Event-ID"));
        if (cursor < 0) {
            replies.error(response, callback, 409, null, ErrorCode.INVALID_REQUEST,
                    "Conflict: this session already has an open GET stream");
            return;
        }
        session.connectionOpened();
        try {
            SseStream sse = SseStream.open(response, writeTimeout);
            while (!session.isEnded()) {
                List<HttpSession.Event> ready = session.awaitGet(cursor, keepAlive);
                if (ready.isEmpty()) {
                    if (!session.isEnded()) {
                        sse.comment("keep-alive");
                    }
                    continue;
                }
                for (HttpSession.Event event : ready) {
                    sse.event(event.id(), codec.encode(event.message()));
                    cursor = event.seq();
                    session.delivered(cursor);
                }
            }
            callback.succeeded();
        } catch (IOException e) {
            log.debug("session {}: GET stream closed: {}", session.id(), e.getMessage());
            callback.failed(e);
        } finally {
            session.detachGet();
            session.connectionClosed();
        }
    }

    // --- DELETE: end the session ---

    private void delete(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
            Callback callback) {
        HttpSession session = session(request.getHeaders().get(SESSION_HEADER), null, response, callback);
        if (session != null) {
            registry.end(session, "DELETE by the client");
            replies.empty(response, callback, 200);
        }
    }

    // --- helpers ---

    /** The live session the header names, or null after answering 400 (no header) or 404 (unknown or ended). */
    private @Nullable HttpSession session(@Nullable String sessionId, tools.jackson.databind.@Nullable JsonNode id,
            org.eclipse.jetty.server.Response response, Callback callback) {
        if (sessionId == null || sessionId.isBlank()) {
            replies.error(response, callback, 400, id, ErrorCode.INVALID_REQUEST,
                    "Bad Request: missing Mcp-Session-Id header; send initialize first and echo the id it returns");
            return null;
        }
        HttpSession session = registry.find(sessionId);
        if (session == null) {
            replies.error(response, callback, 404, id, ErrorCode.INVALID_REQUEST,
                    "Session not found: it ended or never existed; send initialize to start a new session");
        }
        return session;
    }

    /** The body, or null when it is larger than the message limit. */
    private byte @Nullable [] readBounded(org.eclipse.jetty.server.Request request) throws IOException {
        long declared = request.getLength();
        if (declared > maxMessageBytes) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
        try (InputStream in = org.eclipse.jetty.server.Request.asInputStream(request)) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (out.size() + n > maxMessageBytes) {
                    return null;
                }
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }

    private static boolean accepts(org.eclipse.jetty.server.Request request, String type) {
        List<String> values = request.getHeaders().getValuesList(HttpHeader.ACCEPT);
        String family = type.substring(0, type.indexOf('/')) + "/*";
        for (String value : values) {
            for (String item : value.split(",", -1)) {
                String media = mediaType(item);
                if (media.equals(type) || media.equals("*/*") || media.equals(family)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String mediaType(String header) {
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static tools.jackson.databind.@Nullable JsonNode idOf(JsonRpcMessage message) {
        return message instanceof Request r ? r.id() : null;
    }
}
