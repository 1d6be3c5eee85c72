package io.gatekit.upstream;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.jsonrpc.McpHeaders;
import io.gatekit.session.Principal;
import io.gatekit.upstream.HttpExchange.Outcome;
import java.net.ConnectException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The session era of Streamable HTTP (2025-03-26 .. 2025-11-25): {@code initialize} mints a session id that goes
 * on every request with the negotiated version; the standalone GET stream ({@link UpstreamGetStream}) carries what
 * the server sends on its own; DELETE ends the session. When the server loses the session (404, or the 400 some
 * SDK servers send) it is renewed once however many requests lost it together, and each retries once. A request
 * whose event stream ends before its response is resumed with {@code Last-Event-ID} (ADR 0011).
 *
 * <p>Concurrency: each message is posted, and its answer read, on a virtual thread of its own; a resumption runs
 * on the thread of the request it resumes. The session id, version and initialize body are volatile (written by
 * the handshake or a renewal, read by every request). The renewal in flight and the GET stream are guarded by
 * {@code this}; the renewal itself runs outside the lock, its followers waiting on its future. The resumptions are
 * a concurrent map; a {@code Resumption}'s flag and current GET are volatile (finished from any thread).
 */
final class LegacyHttpEra implements HttpEra {
    private static final Logger log = LoggerFactory.getLogger(LegacyHttpEra.class);
    private static final String SESSION_HEADER = McpHeaders.SESSION_ID;

    private final Context context;
    private volatile @Nullable String sessionId;
    private volatile @Nullable String protocolVersion;
    private volatile byte @Nullable [] initializeBody;
    /** The session renewal under way, if any: whoever loses the session while it runs waits for it (single flight). */
    @GuardedBy("this")
    private @Nullable CompletableFuture<Boolean> renewal;
    @GuardedBy("this")
    private @Nullable UpstreamGetStream getStream;
    /** The requests whose response stream ended early and is being resumed, by id. */
    private final Map<String, Resumption> resuming = new ConcurrentHashMap<>();

    LegacyHttpEra(Context context) {
        this.context = context;
    }

    private HttpExchange exchange() {
        return context.exchange();
    }

    private Host host() {
        return context.host();
    }

    @Override
    public boolean send(JsonRpcMessage message, @Nullable Principal caller) {
        Thread.ofVirtual().name("gatekit-http-post").start(() -> sendNow(message, caller));
        return true;
    }

    /** Sends on the calling thread (the discovery thread falls back to initialize this way). */
    void sendNow(JsonRpcMessage message) {
        sendNow(message, null);
    }

    private void sendNow(JsonRpcMessage message, @Nullable Principal caller) {
        if (message instanceof Notification n && "notifications/cancelled".equals(n.method())) {
            JsonNode params = n.params();
            Resumption resumption = params == null ? null : resuming.get(params.path("requestId").toString());
            if (resumption != null) {
                resumption.finish(); // nobody waits for the answer any more; the server hears the cancellation too
            }
        }
        byte[] body = exchange().codec().encode(message);
        if (message instanceof Request request && "initialize".equals(request.method())) {
            initializeBody = body;
        }
        post(message, body, caller, true);
    }

    // --- posting ---

    private void post(JsonRpcMessage message, byte[] body, @Nullable Principal caller, boolean mayRetry) {
        Request request = message instanceof Request r ? r : null;
        boolean initialize = request != null && "initialize".equals(request.method());
        String session = sessionId;
        long deadline = System.nanoTime() + context.answerWait().toNanos();
        org.eclipse.jetty.client.Request http;
        try {
            http = exchange().post(body, headers(session, null), caller);
        } catch (GatewayException e) {
            host().failRequest(message, e.error());
            return;
        }
        Outcome outcome;
        try {
            outcome = exchange().run(http,
                    initialize ? context.connectTimeout() : context.answerWait(),
                    message, new StreamPosition(), head -> started(message, head.get(SESSION_HEADER)), decoded -> {
                        if (initialize) {
                            noteVersion(decoded);
                        }
                        deliver(decoded, request);
                    });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        switch (outcome) {
            case Outcome.Refused refused when !initialize && mayRetry && sessionLost(refused.status(), session) -> {
                log.info("upstream {}: HTTP session lost ({}); re-initialising and retrying once", context.name(),
                        refused.status());
                if (renewSession(session)) {
                    post(message, body, caller, false);
                } else {
                    refused(message, refused);
                }
            }
            case Outcome.Refused refused -> refused(message, refused);
            case Outcome.Accepted accepted -> {}
            case Outcome.Answered answered -> {
                if (request != null && answered.eventStream() && !answered.responded()) {
                    resumeOrFail(request, answered.position(), deadline, null);
                }
            }
            case Outcome.Broken broken when request != null && !broken.responded() && host().isOpen()
                    && !(broken.cause() instanceof ConnectException) ->
                    resumeOrFail(request, broken.position(), deadline, broken.cause()); // a broken stream resumes too
            case Outcome.Broken broken -> {
                host().failRequest(message, "HTTP request to " + exchange().url() + " failed: "
                        + HttpExchange.describe(broken.cause()));
                if (broken.cause() instanceof ConnectException) {
                    host().end(broken.cause());
                }
            }
            case Outcome.TimedOut timedOut ->
                    host().failRequest(message, "no HTTP response from " + exchange().url() + " in time");
        }
    }

    /** A 2xx to the handshake: initialize's answer names the session; after initialized, the GET stream opens. */
    private void started(JsonRpcMessage message, @Nullable String session) {
        if (message instanceof Request r && "initialize".equals(r.method()) && session != null) {
            sessionId = session;
        }
        if (message instanceof Notification n && "notifications/initialized".equals(n.method())) {
            openGetStream(); // whatever 2xx the server answered: 202 is what conformant servers answer
        }
    }

    private void noteVersion(Decoded decoded) {
        if (decoded instanceof Decoded.Ok(Response response) && response.result() != null) {
            JsonNode version = exchange().codec().materialize(response.successResult()).get("protocolVersion");
            if (version != null && version.isString()) {
                protocolVersion = version.stringValue();
            }
        }
    }

    private void refused(JsonRpcMessage message, Outcome.Refused refused) {
        if (refused.error() != null) {
            host().deliver(new Decoded.Ok(refused.error()));
        } else {
            host().failRequest(message, exchange().describe(refused));
        }
    }

    private void deliver(Decoded decoded, @Nullable Request request) {
        if (request == null || decoded instanceof Decoded.Ok(Response ignored)) {
            host().deliver(decoded);
        } else {
            host().deliverRelated(decoded, request.id());
        }
    }

    /** The session id, the negotiated version and {@code Last-Event-ID} (each when there is one). */
    private Map<String, String> headers(@Nullable String session, @Nullable String lastEventId) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (session != null) {
            headers.put(SESSION_HEADER, session);
        }
        String version = protocolVersion;
        if (version != null) {
            headers.put(McpHeaders.PROTOCOL_VERSION, version);
        }
        if (lastEventId != null) {
            headers.put(McpHeaders.LAST_EVENT_ID, lastEventId);
        }
        return headers;
    }

    /** A 404 (or the 400 some SDK servers send) to a request that named a session: the server lost it. */
    private static boolean sessionLost(int status, @Nullable String session) {
        return session != null && (status == 404 || status == 400);
    }

    // --- resuming a response stream that ended before its response (2025-11-25: SSE polling, Last-Event-ID) ---

    /** One request being resumed: done once its response arrived (on any stream) or it was cancelled. */
    private static final class Resumption {
        volatile boolean done;
        volatile org.eclipse.jetty.client.@Nullable Request get;

        void finish() {
            done = true;
            org.eclipse.jetty.client.Request current = get;
            if (current != null) {
                HttpWireBase.abort(current, "the response arrived or the request was cancelled");
            }
        }
    }

    @Override
    public void answered(Response response) {
        JsonNode id = response.id();
        Resumption resumption = id == null ? null : resuming.get(id.toString());
        if (resumption != null) {
            resumption.finish(); // answered, perhaps on another stream: stop resuming
        }
    }

    /**
     * A request's event stream ended (or broke) before its response. With an event id to resume from, waits the
     * server's {@code retry} interval and GETs the stream again with {@code Last-Event-ID}, for as long as it
     * takes, until the response arrives, the request is cancelled, or its deadline passes (the call above has
     * then failed with a timeout). Without an event id nothing can be resumed: the request fails at once.
     */
    private void resumeOrFail(Request request, StreamPosition position, long deadline, @Nullable Throwable broken) {
        String why = "the response stream for " + request.method() + " at " + exchange().url() + " ended before its response"
                + (broken == null ? "" : " (" + HttpExchange.describe(broken) + ")");
        if (position.lastEventId() == null) {
            host().failRequest(request, why + ", and named no event id to resume from");
            return;
        }
        String key = request.id().toString();
        Resumption resumption = new Resumption();
        resuming.put(key, resumption);
        try {
            int failures = 0;
            while (host().isOpen() && !resumption.done) {
                long wait = failures == 0 ? position.retryOr(UpstreamGetStream.DEFAULT_RETRY_MILLIS)
                        : Math.max(position.retryOr(0), UpstreamGetStream.backoffMillis(failures));
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) - wait;
                if (left <= 0) {
                    log.debug("upstream {}: gave up resuming {} at its deadline", context.name(), request.method());
                    return;
                }
                Thread.sleep(wait);
                if (resumption.done) {
                    return;
                }
                log.debug("upstream {}: resuming the stream of {} after event {}", context.name(), request.method(),
                        position.lastEventId());
                org.eclipse.jetty.client.Request get = exchange().get(headers(sessionId, position.lastEventId()))
                        .timeout(left, TimeUnit.MILLISECONDS);
                resumption.get = get;
                Outcome outcome = exchange().run(get, context.connectTimeout(), request, position, head -> {}, decoded -> {
                    deliver(decoded, request);
                    answered(decoded, request, resumption); // the server may keep the stream open: close it
                });
                switch (outcome) {
                    case Outcome.Refused refused when refused.status() / 100 == 4 -> {
                        host().failRequest(request, why + ", and resuming it was refused (HTTP " + refused.status() + ")");
                        return;
                    }
                    case Outcome.Answered answered -> failures = 0;
                    default -> failures = resumption.done ? 0 : failures + 1;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            resuming.remove(key, resumption);
        }
    }

    private static void answered(Decoded decoded, Request request, Resumption resumption) {
        if (decoded instanceof Decoded.Ok(Response r) && JsonRpcIds.same(request.id(), r.id())) {
            resumption.finish();
        }
    }

    // --- the session: renewal when the server lost it, the GET stream, the end ---

    /**
     * The server lost {@code stale}: renews the session once however many requests lost it at the same time. The
     * first caller re-initialises; the others wait for that renewal; a caller that lost a session already
     * replaced retries on the new one at once. True when a session is there to retry on.
     */
    private boolean renewSession(@Nullable String stale) {
        CompletableFuture<Boolean> flight;
        synchronized (this) {
            if (renewal != null) {
                flight = renewal;
            } else if (!Objects.equals(sessionId, stale)) {
                return sessionId != null;
            } else {
                renewal = new CompletableFuture<>();
                flight = null;
            }
        }
        if (flight == null) {
            boolean renewed = false;
            CompletableFuture<Boolean> mine;
            try {
                renewed = reinitialize();
            } finally {
                synchronized (this) {
                    mine = renewal;
                    renewal = null;
                }
                mine.complete(renewed);
            }
            return renewed;
        }
        try {
            return flight.get(context.connectTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
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
        if (body == null || !host().isOpen()) {
            return false;
        }
        try {
            org.eclipse.jetty.client.ContentResponse init = exchange().post(body, headers(null, null))
                    .timeout(context.connectTimeout().toMillis(), TimeUnit.MILLISECONDS).send();
            String session = init.getHeaders().get(SESSION_HEADER);
            if (init.getStatus() / 100 != 2) {
                log.warn("upstream {}: re-initialising the HTTP session got HTTP {}", context.name(), init.getStatus());
                return false;
            }
            byte[] initialized = exchange().codec().encode(new Notification("notifications/initialized", null));
            exchange().post(initialized, headers(session, null))
                    .timeout(context.connectTimeout().toMillis(), TimeUnit.MILLISECONDS).send();
            sessionId = session; // only now: the server may take requests once it has heard initialized
            openGetStream();
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("upstream {}: re-initialising the HTTP session failed: {}", context.name(), e.toString());
            return false;
        }
    }

    /** (Re)opens the standalone GET stream of the current session; the previous one, if any, is closed. */
    private synchronized void openGetStream() {
        if (getStream != null) {
            getStream.close();
        }
        if (!host().isOpen()) {
            return;
        }
        String session = sessionId;
        getStream = UpstreamGetStream.open(context.name(), lastEventId -> exchange().get(headers(session, lastEventId)),
                context.connectTimeout(), exchange()::readEvents, host()::deliver, () -> {
                    if (session != null) {
                        renewSession(session);
                    } // a server without sessions answers 404 when it has no GET endpoint: nothing to renew
                });
    }

    @Override
    public synchronized void close() {
        if (getStream != null) {
            getStream.close();
            getStream = null;
        }
        resuming.values().forEach(Resumption::finish);
    }

    @Override
    public void shutdown(Duration grace) {
        close();
        String session = sessionId;
        if (session != null) {
            try {
                // With the configured headers too: a server behind authentication refuses an anonymous DELETE.
                exchange().delete(headers(session, null), grace).send();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                log.debug("upstream {}: DELETE of the session failed: {}", context.name(), e.toString());
            }
        }
    }
}
