package io.gatekit.upstream;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.gatekit.config.ProtocolEra;
import io.gatekit.jsonrpc.McpHeaders;
import io.gatekit.jsonrpc.ProtocolVersions;
import io.gatekit.config.UpstreamConfig;
import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.transport.MessageHandler;
import io.gatekit.transport.SseReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The Streamable HTTP wire (MCP 2025-03-26 .. 2025-11-25): every message is a POST whose answer is JSON or an
 * SSE stream; the session id from {@code initialize} goes on every request; a GET stream carries what the server
 * sends on its own. When the server loses the session (404, or the 400 some SDK servers send), the wire
 * re-initialises and retries the message once. Credentials come from the upstream's configured headers, never
 * from a client. Each POST runs on its own virtual thread; Jetty pools the connections.
 *
 * <p>Unless the upstream is configured {@code protocol_era: legacy}, the handshake first probes
 * {@code server/discover}: a server that offers the stateless 2026-07-28 era is spoken to in it
 * ({@link ModernProtocol}: no session, each request with its envelope and headers, cancellation by closing the
 * request's stream, one {@code subscriptions/listen} stream for list changes and resource updates). Any other
 * answer falls back to {@code initialize}. The connection above sees the same messages either way.
 *
 * <p>Concurrency: each POST runs on its own virtual thread and delivers from there. The session id, protocol
 * version, era and log level are volatile (written by the handshake or {@code logging/setLevel}, read by every
 * POST); the open POSTs and the subscribed URIs are concurrent. The listen stream is guarded by {@code this}
 * ({@code relisten}, shutdown); opening the GET stream is synchronized, so a new one always replaces (and
 * interrupts) the previous one.
 */
final class HttpWire extends HttpWireBase {
    private static final Logger log = LoggerFactory.getLogger(HttpWire.class);
    private static final String SESSION_HEADER = McpHeaders.SESSION_ID;
    private static final int MAX_GET_RECONNECTS = 5;

    private final URI url;
    private volatile @Nullable String sessionId;
    private volatile @Nullable String protocolVersion;
    private volatile byte @Nullable [] initializeBody;
    private volatile @Nullable JsonNode initializeId;
    private volatile @Nullable Thread getStream;
    private volatile @Nullable String lastEventId;
    /** How long a POST may wait for its answer to begin: the request timeout ends the call above well before. */
    private final Duration answerWait;
    /** Set once the upstream answered {@code server/discover} with the stateless era. */
    private volatile @Nullable ModernProtocol modern;
    /** Stateless era: the level the gateway last set, sent with each request. */
    private volatile @Nullable String logLevel;
    /** Stateless era: the resources the gateway's clients subscribed to, heard through the listen stream. */
    private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
    /** Stateless era: each request's POST by upstream id, so that a cancellation can close its stream. */
    private final Map<Long, org.eclipse.jetty.client.Request> posts = new ConcurrentHashMap<>();
    @GuardedBy("this")
    private @Nullable UpstreamListenStream listen;

    HttpWire(UpstreamConfig config, JsonRpcCodec codec, int maxMessageBytes, Duration connectTimeout, Duration answerWait)
            throws IOException {
        super(config, codec, maxMessageBytes, connectTimeout);
        this.url = config.url().orElseThrow();
        this.answerWait = answerWait;
    }

    @Override
    public boolean send(JsonRpcMessage message) {
        if (!open) {
            return false;
        }
        ModernProtocol protocol = modern;
        if (protocol != null) {
            return sendStateless(protocol, message);
        }
        if (message instanceof Request request && "initialize".equals(request.method()) && config.mayBeModern()) {
            Thread.ofVirtual().name("gatekit-http-discover").start(() -> discoverOrInitialize(request));
            return true;
        }
        byte[] body = codec.encode(message);
        if (message instanceof Request request && "initialize".equals(request.method())) {
            initializeBody = body;
            initializeId = request.id();
        }
        Thread.ofVirtual().name("gatekit-http-post").start(() -> post(message, body, true));
        return true;
    }

    // --- the stateless 2026-07-28 era ---

    /**
     * The handshake: {@code server/discover} first; a server offering 2026-07-28 is answered with the discovery in
     * the shape of an initialize result, anything else falls back to {@code initialize} (not keyed to one error
     * code: legacy servers answer the probe in many ways).
     */
    private void discoverOrInitialize(Request initialize) {
        Request probe = ModernProtocol.discoverRequest(initialize);
        Response answer = exchange(probe, ModernProtocol.headers(probe));
        ModernProtocol protocol = answer == null ? null : ModernProtocol.fromDiscovery(initialize, answer);
        if (answer != null && protocol != null) {
            modern = protocol;
            protocolVersion = ProtocolVersions.MODERN;
            log.info("upstream {}: speaking the modern era ({}, stateless)", config.name(), ProtocolVersions.MODERN);
            deliver(new Decoded.Ok(ModernProtocol.asInitializeResult(initialize.id(), answer)));
            return;
        }
        JsonRpcError refused = answer == null ? null : answer.error();
        if (config.protocolEra() == ProtocolEra.MODERN) {
            failRequest(initialize, "protocol_era is modern but " + url + " does not offer " + ProtocolVersions.MODERN
                    + " in answer to server/discover" + (answer == null ? " (no usable answer)"
                    : refused != null ? " (error " + refused.code() + ": " + refused.message() + ")" : ""));
            return;
        }
        log.debug("upstream {}: no stateless era offered; initializing a session", config.name());
        byte[] body = codec.encode(initialize);
        initializeBody = body;
        initializeId = initialize.id();
        post(initialize, body, true);
    }

    /** One request whose answer the wire itself needs (the probe): the response, or null if none came. */
    private @Nullable Response exchange(Request request, Map<String, String> headers) {
        try {
            InputStreamResponseListener listener = new InputStreamResponseListener();
            jsonPost(codec.encode(request), headers).send(listener);
            org.eclipse.jetty.client.Response response = listener.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
            Response[] answer = new Response[1];
            try (InputStream in = new BufferedInputStream(listener.getInputStream(), 8192)) {
                readBody(response.getHeaders().get(HttpHeader.CONTENT_TYPE), in, decoded -> {
                    if (decoded instanceof Decoded.Ok(Response r) && JsonRpcIds.same(request.id(), r.id())) {
                        answer[0] = r;
                    }
                });
            }
            Response got = answer[0];
            if (got != null && got.result() != null) {
                return Response.success(got.id(), codec.materialize(got.successResult()));
            }
            return got;
        } catch (TimeoutException | ExecutionException | IOException e) {
            log.debug("upstream {}: {} failed: {}", config.name(), request.method(), e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * What the connection above sends, in the stateless era. The session-era messages that no longer exist are
     * answered here: {@code ping} and {@code logging/setLevel} (the level then travels with each request),
     * subscriptions (kept here and heard through the listen stream); cancelling closes the request's stream.
     */
    private boolean sendStateless(ModernProtocol protocol, JsonRpcMessage message) {
        switch (message) {
            case Request r when r.method().equals("ping") -> answerHere(r);
            case Request r when r.method().equals("logging/setLevel") -> {
                logLevel = r.params() == null ? null : r.params().path("level").asString(null);
                answerHere(r);
            }
            case Request r when r.method().equals("resources/subscribe") || r.method().equals("resources/unsubscribe") ->
                    subscription(protocol, r);
            case Request r -> {
                Request enveloped = protocol.envelope(r, logLevel);
                Thread.ofVirtual().name("gatekit-http-post").start(
                        () -> post(enveloped, codec.encode(enveloped), ModernProtocol.headers(enveloped), false));
            }
            case Notification n when n.method().equals("notifications/initialized") -> relisten();
            case Notification n when n.method().equals("notifications/cancelled") -> cancel(n);
            // roots/list_changed and the like do not exist in this era; answers to server requests cannot arise.
            default -> log.debug("upstream {}: {} has no stateless counterpart; not sent", config.name(), describe(message));
        }
        return true;
    }

    private void subscription(ModernProtocol protocol, Request request) {
        String uri = request.params() == null ? null : request.params().path("uri").asString(null);
        if (uri == null) {
            deliver(new Decoded.Ok(Response.failure(request.id(), JsonRpcError.of(
                    ErrorCode.INVALID_PARAMS, request.method() + " needs a \"uri\""))));
            return;
        }
        if (!protocol.canSubscribe()) {
            deliver(new Decoded.Ok(Response.failure(request.id(), JsonRpcError.of(
                    ErrorCode.METHOD_NOT_FOUND, "Upstream '" + config.name()
                            + "' does not offer resource subscriptions"))));
            return;
        }
        boolean changed = request.method().equals("resources/subscribe") ? subscribed.add(uri) : subscribed.remove(uri);
        answerHere(request);
        if (changed) {
            relisten();
        }
    }

    private void answerHere(Request request) {
        deliver(new Decoded.Ok(Response.success(request.id(), codec.mapper().createObjectNode())));
    }

    /** A 2026-07-28 server takes a closed response stream as the cancellation of that request. */
    private void cancel(Notification cancelled) {
        JsonNode id = cancelled.params() == null ? null : cancelled.params().get("requestId");
        org.eclipse.jetty.client.Request post = id != null && id.canConvertToLong() ? posts.remove(id.asLong()) : null;
        if (post != null) {
            abort(post, "cancelled by the gateway");
        }
    }

    /** (Re)opens the one listen stream with what is wanted now; the previous one, if any, is closed. */
    private synchronized void relisten() {
        if (listen != null) {
            listen.close();
            listen = null;
        }
        ModernProtocol protocol = modern;
        if (open && protocol != null && protocol.worthListening(subscribed)) {
            listen = UpstreamListenStream.open(config.name(), () -> {
                Request request = protocol.listenRequest(JsonRpcIds.of("gatekit-listen"), List.copyOf(subscribed));
                return jsonPost(codec.encode(request), ModernProtocol.headers(request)).idleTimeout(0, TimeUnit.MILLISECONDS);
            }, protocol, connectTimeout, this::readBody, this::deliver, this::end);
        }
    }

    private static String describe(JsonRpcMessage message) {
        return switch (message) {
            case Request r -> r.method();
            case Notification n -> n.method();
            case Response r -> "a response";
        };
    }

    // --- posting ---

    private void post(JsonRpcMessage message, byte[] body, boolean mayRetry) {
        post(message, body, Map.of(), mayRetry);
    }

    private void post(JsonRpcMessage message, byte[] body, Map<String, String> headers, boolean mayRetry) {
        Long cancellable = modern != null && message instanceof Request r && r.id().canConvertToLong() ? r.id().asLong() : null;
        org.eclipse.jetty.client.Request post = jsonPost(body, headers);
        if (cancellable != null) {
            posts.put(cancellable, post);
        }
        try {
            InputStreamResponseListener listener = new InputStreamResponseListener();
            post.send(listener);
            boolean handshake = message instanceof Request r && ("initialize".equals(r.method()) || "server/discover".equals(r.method()));
            org.eclipse.jetty.client.Response response = listener.get(
                    (handshake ? connectTimeout : answerWait).toMillis(), TimeUnit.MILLISECONDS);
            int status = response.getStatus();
            try (InputStream in = new BufferedInputStream(listener.getInputStream(), 8192)) {
                if (message instanceof Request r && "initialize".equals(r.method()) && status / 100 == 2) {
                    String id = response.getHeaders().get(SESSION_HEADER);
                    if (id != null) {
                        sessionId = id;
                    }
                }
                if (sessionLost(status) && mayRetry && !(message instanceof Request r && "initialize".equals(r.method()))) {
                    log.info("upstream {}: HTTP session lost ({}); re-initialising and retrying once", config.name(), status);
                    if (reinitialize()) {
                        post(message, body, false);
                        return;
                    }
                }
                if (status == 202 || status == 204) {
                    return;
                }
                if (status / 100 != 2) {
                    failed(message, status, response.getHeaders().get(HttpHeader.CONTENT_TYPE), in);
                    return;
                }
                JsonNode related = message instanceof Request r ? r.id() : null;
                readBody(response.getHeaders().get(HttpHeader.CONTENT_TYPE), in, decoded -> deliver(decoded, related));
            }
            if (message instanceof Notification n && "notifications/initialized".equals(n.method())) {
                openGetStream();
            }
        } catch (TimeoutException e) {
            failRequest(message, "no HTTP response from " + url + " in time");
        } catch (ExecutionException | IOException e) {
            if (cancellable != null && !posts.containsKey(cancellable)) {
                return; // the gateway cancelled it by closing the stream; nobody waits for an answer
            }
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            failRequest(message, "HTTP request to " + url + " failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            if (cause instanceof ConnectException) {
                end(cause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (cancellable != null) {
                posts.remove(cancellable, post);
            }
        }
    }

    /**
     * A non-2xx answer. When its body is the JSON-RPC error for the request (a 2026-07-28 server answers a bad
     * request with 400 and -32602, -32020 or -32022), that error is the answer; otherwise the status is.
     */
    private void failed(JsonRpcMessage message, int status, @Nullable String contentType, InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(Math.min(maxMessageBytes, 1 << 20));
        if (message instanceof Request request && contentType != null && contentType.startsWith("application/json")
                && codec.decode(bytes) instanceof Decoded.Ok(Response answer) && answer.isError()
                && JsonRpcIds.same(request.id(), answer.id())) {
            deliver(new Decoded.Ok(answer));
            return;
        }
        String text = new String(bytes, 0, Math.min(bytes.length, 500), StandardCharsets.UTF_8).strip();
        failRequest(message, "HTTP " + status + " from " + url + (text.isEmpty() ? "" : ": " + text));
    }

    private void deliver(Decoded decoded, @Nullable JsonNode related) {
        MessageHandler target = handler;
        if (related == null || target == null || decoded instanceof Decoded.Ok(Response ignored)) {
            deliver(decoded);
        } else {
            target.onRelatedMessage(decoded, related);
        }
    }

    /** A POST of one JSON-RPC message with the headers every Streamable HTTP request carries. */
    private org.eclipse.jetty.client.Request jsonPost(byte[] body) {
        return jsonPost(body, Map.of());
    }

    private org.eclipse.jetty.client.Request jsonPost(byte[] body, Map<String, String> headers) {
        return client.newRequest(url).method(HttpMethod.POST)
                .headers(h -> {
                    h.put(HttpHeader.CONTENT_TYPE, "application/json");
                    h.put(HttpHeader.ACCEPT, "application/json, text/event-stream");
                    common(h);
                    headers.forEach(h::put);
                })
                .body(new BytesRequestContent("application/json", body));
    }

    private void common(org.eclipse.jetty.http.HttpFields.Mutable headers) {
        config.headers().forEach(headers::put);
        String session = sessionId;
        if (session != null) {
            headers.put(SESSION_HEADER, session);
        }
        String version = protocolVersion;
        if (version != null) {
            headers.put(McpHeaders.PROTOCOL_VERSION, version);
        }
    }

    private boolean sessionLost(int status) {
        return sessionId != null && (status == 404 || status == 400);
    }

    /** Reads a 2xx body: one JSON message, or an SSE stream of them; each goes to {@code sink}. */
    private void readBody(String contentType, InputStream in, Consumer<Decoded> sink) throws IOException {
        if (contentType != null && contentType.startsWith("text/event-stream")) {
            SseReader events = new SseReader(in, maxMessageBytes);
            SseReader.Event event;
            while ((event = events.next()) != null) {
                if (event.id() != null) {
                    lastEventId = event.id();
                }
                if (!event.data().isBlank()) {
                    sink.accept(codec.decode(event.data().getBytes(StandardCharsets.UTF_8)));
                }
            }
            return;
        }
        byte[] bytes = in.readNBytes(maxMessageBytes + 1);
        if (bytes.length > maxMessageBytes) {
            log.error("upstream {} sent a body over {} bytes; dropped", config.name(), maxMessageBytes);
            return;
        }
        if (bytes.length > 0) {
            sink.accept(codec.decode(bytes));
        }
    }

    @Override
    protected void deliver(Decoded decoded) {
        if (decoded instanceof Decoded.Ok(Response response) && response.result() != null
                && JsonRpcIds.same(initializeId, response.id())) {
            JsonNode version = codec.materialize(response.successResult()).get("protocolVersion");
            if (version != null && version.isString()) {
                protocolVersion = version.stringValue();
            }
        }
        super.deliver(decoded);
    }

    /** Starts a new session with the handshake the gateway sent first; true when it worked. */
    private boolean reinitialize() {
        byte[] body = initializeBody;
        if (body == null) {
            return false;
        }
        sessionId = null;
        try {
            org.eclipse.jetty.client.ContentResponse init =
                    jsonPost(body).timeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS).send();
            if (init.getStatus() / 100 != 2) {
                return false;
            }
            sessionId = init.getHeaders().get(SESSION_HEADER);
            byte[] initialized = codec.encode(new Notification("notifications/initialized", null));
            jsonPost(initialized).timeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS).send();
            openGetStream();
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("upstream {}: re-initialising the HTTP session failed: {}", config.name(), e.toString());
            return false;
        }
    }

    /** The GET stream for server-initiated messages; a server without one answers 405, which is fine. */
    private synchronized void openGetStream() {
        Thread previous = getStream;
        if (previous != null) {
            previous.interrupt();
        }
        getStream = Thread.ofVirtual().name("gatekit-http-get-" + config.name()).start(this::readGetStream);
    }

    private void readGetStream() {
        for (int attempt = 0; attempt < MAX_GET_RECONNECTS && open && !Thread.currentThread().isInterrupted(); attempt++) {
            try {
                InputStreamResponseListener listener = new InputStreamResponseListener();
                String resumeFrom = lastEventId;
                client.newRequest(url).method(HttpMethod.GET)
                        .headers(h -> {
                            h.put(HttpHeader.ACCEPT, "text/event-stream");
                            if (resumeFrom != null) {
                                h.put(McpHeaders.LAST_EVENT_ID, resumeFrom);
                            }
                            common(h);
                        })
                        .idleTimeout(0, TimeUnit.MILLISECONDS)
                        .send(listener);
                org.eclipse.jetty.client.Response response = listener.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
                try (InputStream in = new BufferedInputStream(listener.getInputStream(), 8192)) {
                    if (response.getStatus() != 200) {
                        log.debug("upstream {}: no GET stream (HTTP {})", config.name(), response.getStatus());
                        return;
                    }
                    readBody("text/event-stream", in, this::deliver);
                }
                Thread.sleep(200L << attempt);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.debug("upstream {}: GET stream ended: {}", config.name(), e.toString());
            }
        }
    }

    @Override
    public String describeEnd(@Nullable Throwable cause) {
        return "stopped answering at " + url + (cause == null ? "" : " (" + cause.getMessage() + ")");
    }

    @Override
    public void shutdown(Duration grace) {
        open = false;
        synchronized (this) {
            if (listen != null) {
                listen.close();
            }
        }
        posts.values().forEach(post -> abort(post, "the gateway is stopping"));
        Thread stream = getStream;
        if (stream != null) {
            stream.interrupt();
        }
        String session = sessionId;
        if (session != null) {
            try {
                client.newRequest(url).method(HttpMethod.DELETE)
                        .headers(h -> h.put(SESSION_HEADER, session))
                        .timeout(grace.toMillis(), TimeUnit.MILLISECONDS)
                        .send();
            } catch (Exception e) {
                log.debug("upstream {}: DELETE of the session failed: {}", config.name(), e.toString());
            }
        }
        stopClient();
        end(null);
    }
}
