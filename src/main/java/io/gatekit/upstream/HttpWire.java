package io.gatekit.upstream;

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
import io.gatekit.jsonrpc.McpMeta;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
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
 */
final class HttpWire extends HttpWireBase {
    private static final Logger log = LoggerFactory.getLogger(HttpWire.class);
    private static final String SESSION_HEADER = "Mcp-Session-Id";

    private final URI url;
    private volatile String sessionId;
    private volatile String protocolVersion;
    private volatile byte[] initializeBody;
    private volatile JsonNode initializeId;
    private UpstreamGetStream getStream;
    /** The session renewal under way, if any: whoever loses the session while it runs waits for it (single flight). */
    private CompletableFuture<Boolean> renewal;
    /** Session era: the requests whose response stream ended early and is being resumed, by upstream id. */
    private final Map<String, Resumption> resuming = new ConcurrentHashMap<>();
    /** How long a POST may wait for its answer to begin: the request timeout ends the call above well before. */
    private final Duration answerWait;
    /** Set once the upstream answered {@code server/discover} with the stateless era. */
    private volatile ModernProtocol modern;
    /** Stateless era: the level the gateway last set, sent with each request. */
    private volatile String logLevel;
    /** Stateless era: the resources the gateway's clients subscribed to, heard through the listen stream. */
    private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
    /** Stateless era: each request's POST by upstream id, so that a cancellation can close its stream. */
    private final Map<Long, org.eclipse.jetty.client.Request> posts = new ConcurrentHashMap<>();
    private UpstreamListenStream listen;

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
        if (message instanceof Notification n && "notifications/cancelled".equals(n.method()) && n.params() != null
                && resuming.get(n.params().path("requestId").toString()) instanceof Resumption resumption) {
            resumption.finish(); // nobody waits for the answer any more; the server hears the cancellation below
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
        if (protocol != null) {
            modern = protocol;
            protocolVersion = ModernProtocol.VERSION;
            log.info("upstream {}: speaking the stateless {} era", config.name(), ModernProtocol.VERSION);
            deliver(new Decoded.Ok(ModernProtocol.asInitializeResult(initialize.id(), answer)));
            return;
        }
        if ("modern".equals(config.protocolEra())) {
            failRequest(initialize, "protocol_era is modern but " + url + " does not offer " + ModernProtocol.VERSION
                    + " in answer to server/discover" + (answer == null ? " (no usable answer)"
                    : answer.isError() ? " (error " + answer.error().code() + ": " + answer.error().message() + ")" : ""));
            return;
        }
        log.debug("upstream {}: no stateless era offered; initializing a session", config.name());
        byte[] body = codec.encode(initialize);
        initializeBody = body;
        initializeId = initialize.id();
        post(initialize, body, true);
    }

    /** One request whose answer the wire itself needs (the probe): the response, or null if none came. */
    private Response exchange(Request request, Map<String, String> headers) {
        try {
            InputStreamResponseListener listener = new InputStreamResponseListener();
            jsonPost(codec.encode(request), headers, null).send(listener);
            org.eclipse.jetty.client.Response response = listener.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
            Response[] answer = new Response[1];
            try (InputStream in = new BufferedInputStream(listener.getInputStream(), 8192)) {
                readBody(response.getHeaders().get(HttpHeader.CONTENT_TYPE), in, decoded -> {
                    if (decoded instanceof Decoded.Ok(Response r) && JsonRpcIds.same(request.id(), r.id())) {
                        answer[0] = r;
                    }
                });
            }
            if (answer[0] != null && answer[0].result() != null) {
                answer[0] = Response.success(answer[0].id(), codec.materialize(answer[0].result()));
            }
            return answer[0];
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
            post.abort(new CancellationException("cancelled by the gateway"));
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
        String session = sessionId;
        org.eclipse.jetty.client.Request post = jsonPost(body, headers, session);
        if (cancellable != null) {
            posts.put(cancellable, post);
        }
        Request request = message instanceof Request r ? r : null;
        boolean initialize = request != null && "initialize".equals(request.method());
        StreamPosition position = new StreamPosition();
        boolean[] answered = new boolean[1];
        long deadline = System.nanoTime() + answerWait.toNanos();
        try {
            InputStreamResponseListener listener = new InputStreamResponseListener();
            post.send(listener);
            boolean handshake = initialize || request != null && "server/discover".equals(request.method());
            org.eclipse.jetty.client.Response response = listener.get(
                    (handshake ? connectTimeout : answerWait).toMillis(), TimeUnit.MILLISECONDS);
            int status = response.getStatus();
            try (InputStream in = new BufferedInputStream(listener.getInputStream(), 8192)) {
                if (initialize && status / 100 == 2) {
                    String id = response.getHeaders().get(SESSION_HEADER);
                    if (id != null) {
                        sessionId = id;
                    }
                }
                if (sessionLost(status, session) && mayRetry && !initialize) {
                    log.info("upstream {}: HTTP session lost ({}); re-initialising and retrying once", config.name(), status);
                    if (renewSession(session)) {
                        post(message, body, headers, false);
                        return;
                    }
                }
                if (status / 100 == 2 && message instanceof Notification n && "notifications/initialized".equals(n.method())) {
                    openGetStream(); // whatever the server answered (202 is what conformant servers answer)
                }
                if (status == 202 || status == 204) {
                    return;
                }
                if (status / 100 != 2) {
                    failed(message, status, response.getHeaders().get(HttpHeader.CONTENT_TYPE), in);
                    return;
                }
                JsonNode related = request == null ? null : request.id();
                readBody(response.getHeaders().get(HttpHeader.CONTENT_TYPE), in, position, decoded -> {
                    answered[0] |= answers(decoded, request);
                    deliver(decoded, related);
                });
            }
            if (request != null && modern == null && !answered[0] && isEventStream(response)) {
                resumeOrFail(request, position, deadline, null);
            }
        } catch (TimeoutException e) {
            failRequest(message, "no HTTP response from " + url + " in time");
        } catch (ExecutionException | IOException e) {
            if (cancellable != null && !posts.containsKey(cancellable)) {
                return; // the gateway cancelled it by closing the stream; nobody waits for an answer
            }
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (request != null && modern == null && !answered[0] && open && !(cause instanceof ConnectException)) {
                resumeOrFail(request, position, deadline, cause); // a broken response stream is resumable too
                return;
            }
            failRequest(message, "HTTP request to " + url + " failed: " + describe(cause));
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

    private static boolean isEventStream(org.eclipse.jetty.client.Response response) {
        String type = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
        return type != null && type.startsWith("text/event-stream");
    }

    private static boolean answers(Decoded decoded, Request request) {
        return request != null && decoded instanceof Decoded.Ok(Response r) && JsonRpcIds.same(request.id(), r.id());
    }

    private static String describe(Throwable cause) {
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    // --- resuming a response stream that ended before its response (2025-11-25: SSE polling, Last-Event-ID) ---

    /** One request being resumed: done once its response arrived (on any stream) or it was cancelled. */
    private static final class Resumption {
        volatile boolean done;
        volatile org.eclipse.jetty.client.Request get;

        void finish() {
            done = true;
            org.eclipse.jetty.client.Request current = get;
            if (current != null) {
                current.abort(new CancellationException("the response arrived or the request was cancelled"));
            }
        }
    }

    /**
     * A request's event stream ended (or broke) before its response. With an event id to resume from, the wire
     * waits the server's {@code retry} interval and GETs the stream again with {@code Last-Event-ID}, for as long
     * as it takes, until the response arrives, the request is cancelled, or its deadline passes (the call above
     * has then failed with a timeout). Without an event id nothing can be resumed: the request fails at once.
     */
    private void resumeOrFail(Request request, StreamPosition position, long deadline, Throwable broken) {
        String why = "the response stream for " + request.method() + " at " + url + " ended before its response"
                + (broken == null ? "" : " (" + describe(broken) + ")");
        if (position.lastEventId() == null) {
            failRequest(request, why + ", and named no event id to resume from");
            return;
        }
        String key = request.id().toString();
        Resumption resumption = new Resumption();
        resuming.put(key, resumption);
        try {
            int failures = 0;
            while (open && !resumption.done) {
                long wait = failures == 0 ? position.retryOr(UpstreamGetStream.DEFAULT_RETRY_MILLIS)
                        : Math.max(position.retryOr(0), UpstreamGetStream.backoffMillis(failures));
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) - wait;
                if (left <= 0) {
                    log.debug("upstream {}: gave up resuming {} at its deadline", config.name(), request.method());
                    return;
                }
                Thread.sleep(wait);
                if (resumption.done) {
                    return;
                }
                log.debug("upstream {}: resuming the stream of {} after event {}", config.name(), request.method(),
                        position.lastEventId());
                Integer refused = resumeOnce(request, position, resumption, left);
                if (refused == null) {
                    failures = 0;
                } else if (refused / 100 == 4) {
                    failRequest(request, why + ", and resuming it was refused (HTTP " + refused + ")");
                    return;
                } else {
                    failures++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            resuming.remove(key, resumption);
        }
    }

    /** One resuming GET: null when it streamed (whether or not the response came), else the refusing status. */
    private Integer resumeOnce(Request request, StreamPosition position, Resumption resumption, long timeoutMillis)
            throws InterruptedException {
        org.eclipse.jetty.client.Request get = eventStreamGet(position.lastEventId(), sessionId)
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
        resumption.get = get;
        try {
            InputStreamResponseListener listener = new InputStreamResponseListener();
            get.send(listener);
            org.eclipse.jetty.client.Response response = listener.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
            try (InputStream in = new BufferedInputStream(listener.getInputStream(), 8192)) {
                if (response.getStatus() != 200) {
                    return response.getStatus();
                }
                readEvents(in, position, decoded -> {
                    boolean answer = answers(decoded, request);
                    deliver(decoded, request.id());
                    if (answer) {
                        resumption.finish(); // the server may keep the stream open: the gateway closes it
                    }
                });
            }
            return null;
        } catch (TimeoutException | ExecutionException | IOException e) {
            if (!resumption.done) {
                log.debug("upstream {}: resuming {} failed: {}", config.name(), request.method(), e.toString());
                return 599;
            }
            return null;
        }
    }

    /**
     * A non-2xx answer. When its body is the JSON-RPC error for the request (a 2026-07-28 server answers a bad
     * request with 400 and -32602, -32020 or -32022), that error is the answer; otherwise the status is.
     */
    private void failed(JsonRpcMessage message, int status, String contentType, InputStream in) throws IOException {
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

    private void deliver(Decoded decoded, JsonNode related) {
        MessageHandler target = handler;
        if (related == null || target == null || decoded instanceof Decoded.Ok(Response ignored)) {
            deliver(decoded);
        } else {
            target.onRelatedMessage(decoded, related);
        }
    }

    /** A POST of one JSON-RPC message with the headers every Streamable HTTP request carries. */
    private org.eclipse.jetty.client.Request jsonPost(byte[] body, Map<String, String> headers) {
        return jsonPost(body, headers, sessionId);
    }

    /** The same, naming {@code session} (null: none, as for the initialize that starts a session). */
    private org.eclipse.jetty.client.Request jsonPost(byte[] body, Map<String, String> headers, String session) {
        return client.newRequest(url).method(HttpMethod.POST)
                .headers(h -> {
                    h.put(HttpHeader.CONTENT_TYPE, "application/json");
                    h.put(HttpHeader.ACCEPT, "application/json, text/event-stream");
                    common(h, session);
                    headers.forEach(h::put);
                })
                .body(new BytesRequestContent("application/json", body));
    }

    /** A GET of the session's event stream, resuming after {@code lastEventId} when not null. */
    private org.eclipse.jetty.client.Request eventStreamGet(String lastEventId, String session) {
        return client.newRequest(url).method(HttpMethod.GET)
                .headers(h -> {
                    h.put(HttpHeader.ACCEPT, "text/event-stream");
                    if (lastEventId != null) {
                        h.put("Last-Event-ID", lastEventId);
                    }
                    common(h, session);
                })
                .idleTimeout(0, TimeUnit.MILLISECONDS);
    }

    /** The configured headers (credentials), the session and the negotiated version: on every request. */
    private void common(org.eclipse.jetty.http.HttpFields.Mutable headers, String session) {
        config.headers().forEach(headers::put);
        if (session != null) {
            headers.put(SESSION_HEADER, session);
        }
        String version = protocolVersion;
        if (version != null) {
            headers.put(McpMeta.VERSION_HEADER, version);
        }
    }

    /** A 404 (or the 400 some SDK servers send) to a request that named a session: the server lost it. */
    private static boolean sessionLost(int status, String session) {
        return session != null && (status == 404 || status == 400);
    }

    /** Reads a 2xx body: one JSON message, or an SSE stream of them; each goes to {@code sink}. */
    private void readBody(String contentType, InputStream in, Consumer<Decoded> sink) throws IOException {
        readBody(contentType, in, new StreamPosition(), sink);
    }

    private void readBody(String contentType, InputStream in, StreamPosition position, Consumer<Decoded> sink)
            throws IOException {
        if (contentType != null && contentType.startsWith("text/event-stream")) {
            readEvents(in, position, sink);
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

    /** Reads an event stream to its end, keeping {@code position} (event id, retry) up to date. */
    private void readEvents(InputStream in, StreamPosition position, Consumer<Decoded> sink) throws IOException {
        SseReader events = new SseReader(in, maxMessageBytes);
        SseReader.Event event;
        while ((event = events.next()) != null) {
            if (event.id() != null) {
                position.eventId(event.id());
            }
            position.retry(events.retryMillis());
            if (!event.data().isBlank()) {
                sink.accept(codec.decode(event.data().getBytes(StandardCharsets.UTF_8)));
            }
        }
        position.retry(events.retryMillis());
    }

    @Override
    protected void deliver(Decoded decoded) {
        if (decoded instanceof Decoded.Ok(Response response)) {
            if (response.result() != null && JsonRpcIds.same(initializeId, response.id())) {
                JsonNode version = codec.materialize(response.result()).get("protocolVersion");
                if (version != null && version.isString()) {
                    protocolVersion = version.stringValue();
                }
            }
            Resumption resumption = resuming.get(response.id().toString());
            if (resumption != null) {
                resumption.finish(); // answered, perhaps on another stream: stop resuming
            }
        }
        super.deliver(decoded);
    }

    // --- the session: renewal when the server lost it, the GET stream, the end ---

    /**
     * The server lost {@code stale} (404): renews the session once however many requests lost it at the same
     * time. The first caller re-initialises; the others wait for that renewal; a caller that lost a session
     * already replaced retries on the new one at once. True when a session is there to retry on.
     */
    private boolean renewSession(String stale) {
        CompletableFuture<Boolean> flight;
        boolean leader = false;
        synchronized (this) {
            if (renewal != null) {
                flight = renewal;
            } else if (!java.util.Objects.equals(sessionId, stale)) {
                return sessionId != null;
            } else {
                flight = renewal = new CompletableFuture<>();
                leader = true;
            }
        }
        if (leader) {
            boolean renewed = false;
            try {
                renewed = reinitialize();
            } finally {
                synchronized (this) {
                    renewal = null;
                }
                flight.complete(renewed);
            }
            return renewed;
        }
        try {
            return flight.get(connectTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts a new session with the handshake the gateway sent first; true when it worked. Only via renewSession. */
    private boolean reinitialize() {
        byte[] body = initializeBody;
        if (body == null || !open) {
            return false;
        }
        try {
            org.eclipse.jetty.client.ContentResponse init = jsonPost(body, Map.of(), null)
                    .timeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS).send();
            String session = init.getHeaders().get(SESSION_HEADER);
            if (init.getStatus() / 100 != 2) {
                log.warn("upstream {}: re-initialising the HTTP session got HTTP {}", config.name(), init.getStatus());
                return false;
            }
            byte[] initialized = codec.encode(new Notification("notifications/initialized", null));
            jsonPost(initialized, Map.of(), session).timeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS).send();
            sessionId = session; // only now: the server may take requests once it has heard initialized
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

    /** (Re)opens the standalone GET stream of the current session; the previous one, if any, is closed. */
    private synchronized void openGetStream() {
        if (getStream != null) {
            getStream.close();
        }
        if (!open) {
            return;
        }
        String session = sessionId;
        getStream = UpstreamGetStream.open(config.name(), lastEventId -> eventStreamGet(lastEventId, session),
                connectTimeout, this::readEvents, this::deliver, () -> {
                    if (session != null) {
                        renewSession(session);
                    } // a server without sessions answers 404 when it has no GET endpoint: nothing to renew
                });
    }

    @Override
    public String describeEnd(Throwable cause) {
        return "stopped answering at " + url + (cause == null ? "" : " (" + cause.getMessage() + ")");
    }

    @Override
    protected void end(Throwable cause) {
        open = false;
        closeStreams();
        super.end(cause);
    }

    private synchronized void closeStreams() {
        if (listen != null) {
            listen.close();
            listen = null;
        }
        if (getStream != null) {
            getStream.close();
            getStream = null;
        }
        resuming.values().forEach(Resumption::finish);
    }

    @Override
    public void shutdown(Duration grace) {
        open = false;
        closeStreams();
        posts.values().forEach(post -> post.abort(new CancellationException("the gateway is stopping")));
        String session = sessionId;
        if (session != null) {
            try {
                // The configured headers too: a server behind authentication refuses an anonymous DELETE.
                client.newRequest(url).method(HttpMethod.DELETE)
                        .headers(h -> common(h, session))
                        .timeout(grace.toMillis(), TimeUnit.MILLISECONDS)
                        .send();
            } catch (Exception e) {
                log.debug("upstream {}: DELETE of the session failed: {}", config.name(), e.toString());
            }
        }
        stopClient();
        super.end(null);
    }
}
