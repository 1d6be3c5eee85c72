package io.gatekit.upstream;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.session.Principal;
import io.gatekit.upstream.HttpExchange.Outcome;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The stateless 2026-07-28 era ({@link ModernProtocol}): no session; each request carries its envelope and headers;
 * the session-era messages that no longer exist are answered here ({@code ping}, {@code logging/setLevel}, whose
 * level then travels with each request) or translated (subscriptions and list changes become one
 * {@link UpstreamListenStream}); cancelling a request closes its stream.
 *
 * <p>Concurrency: each request is posted on a virtual thread of its own. The log level is volatile; the subscribed
 * URIs and the open POSTs are concurrent collections; the listen stream and {@code closed} are guarded by
 * {@code this} (relisten, close).
 */
final class ModernHttpEra implements HttpEra {
    private static final Logger log = LoggerFactory.getLogger(ModernHttpEra.class);

    private final Context context;
    private final ModernProtocol protocol;
    /** The level the gateway last set, sent with each request. */
    private volatile @Nullable String logLevel;
    /** The resources the gateway's clients subscribed to, heard through the listen stream. */
    private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
    /** Each request's POST by upstream id, so that a cancellation can close its stream. */
    private final Map<Long, org.eclipse.jetty.client.Request> posts = new ConcurrentHashMap<>();
    @GuardedBy("this")
    private @Nullable UpstreamListenStream listen;
    @GuardedBy("this")
    private boolean closed;

    ModernHttpEra(Context context, ModernProtocol protocol) {
        this.context = context;
        this.protocol = protocol;
    }

    private HttpExchange exchange() {
        return context.exchange();
    }

    private Host host() {
        return context.host();
    }

    @Override
    public boolean send(JsonRpcMessage message, @Nullable Principal caller) {
        switch (message) {
            case Request r when r.method().equals("ping") -> answerHere(r);
            case Request r when r.method().equals("logging/setLevel") -> {
                logLevel = r.params() == null ? null : r.params().path("level").asString(null);
                answerHere(r);
            }
            case Request r when r.method().equals("resources/subscribe") || r.method().equals("resources/unsubscribe") ->
                    subscription(r);
            case Request r -> {
                Request enveloped = protocol.envelope(r, logLevel);
                Thread.ofVirtual().name("gatekit-http-post").start(() -> post(enveloped, caller));
            }
            case Notification n when n.method().equals("notifications/initialized") -> relisten();
            case Notification n when n.method().equals("notifications/cancelled") -> cancel(n);
            // roots/list_changed and the like do not exist in this era; answers to server requests cannot arise.
            default -> log.debug("upstream {}: {} has no stateless counterpart; not sent", context.name(),
                    describe(message));
        }
        return true;
    }

    private void post(Request request, @Nullable Principal caller) {
        org.eclipse.jetty.client.Request post;
        try {
            post = exchange().post(exchange().codec().encode(request), ModernProtocol.headers(request), caller);
        } catch (GatewayException e) {
            host().failRequest(request, e.error());
            return;
        }
        Long cancellable = request.id().canConvertToLong() ? request.id().asLong() : null;
        if (cancellable != null) {
            posts.put(cancellable, post);
        }
        try {
            Outcome outcome = exchange().run(post, context.answerWait(), request, decoded -> {
                if (decoded instanceof Decoded.Ok(Response ignored)) {
                    host().deliver(decoded);
                } else {
                    host().deliverRelated(decoded, request.id());
                }
            });
            switch (outcome) {
                case Outcome.Accepted accepted -> {}
                case Outcome.Answered answered -> {}
                case Outcome.Refused refused when refused.error() != null -> host().deliver(new Decoded.Ok(refused.error()));
                case Outcome.Refused refused -> host().failRequest(request, exchange().describe(refused));
                case Outcome.Broken broken when cancellable != null && !posts.containsKey(cancellable) -> {
                    // the gateway cancelled it by closing the stream; nobody waits for an answer
                }
                case Outcome.Broken broken -> {
                    host().failRequest(request, "HTTP request to " + exchange().url() + " failed: "
                            + HttpExchange.describe(broken.cause()));
                    if (broken.cause() instanceof ConnectException) {
                        host().end(broken.cause());
                    }
                }
                case Outcome.TimedOut timedOut ->
                        host().failRequest(request, "no HTTP response from " + exchange().url() + " in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (cancellable != null) {
                posts.remove(cancellable, post);
            }
        }
    }

    private void subscription(Request request) {
        String uri = request.params() == null ? null : request.params().path("uri").asString(null);
        if (uri == null) {
            host().deliver(new Decoded.Ok(Response.failure(request.id(), JsonRpcError.of(
                    ErrorCode.INVALID_PARAMS, request.method() + " needs a \"uri\""))));
            return;
        }
        if (!protocol.canSubscribe()) {
            host().deliver(new Decoded.Ok(Response.failure(request.id(), JsonRpcError.of(
                    ErrorCode.METHOD_NOT_FOUND,
                    "Upstream '" + context.name() + "' does not offer resource subscriptions"))));
            return;
        }
        boolean changed = request.method().equals("resources/subscribe") ? subscribed.add(uri) : subscribed.remove(uri);
        answerHere(request);
        if (changed) {
            relisten();
        }
    }

    private void answerHere(Request request) {
        host().deliver(new Decoded.Ok(Response.success(request.id(), exchange().codec().mapper().createObjectNode())));
    }

    /** A 2026-07-28 server takes a closed response stream as the cancellation of that request. */
    private void cancel(Notification cancelled) {
        JsonNode id = cancelled.params() == null ? null : cancelled.params().get("requestId");
        org.eclipse.jetty.client.Request post = id != null && id.canConvertToLong() ? posts.remove(id.asLong()) : null;
        if (post != null) {
            HttpWireBase.abort(post, "cancelled by the gateway");
        }
    }

    /** (Re)opens the one listen stream with what is wanted now; the previous one, if any, is closed. */
    private synchronized void relisten() {
        if (listen != null) {
            listen.close();
            listen = null;
        }
        if (!closed && host().isOpen() && protocol.worthListening(subscribed)) {
            listen = UpstreamListenStream.open(context.name(), () -> {
                Request request = protocol.listenRequest(JsonRpcIds.of("gatekit-listen"), List.copyOf(subscribed));
                return exchange().post(exchange().codec().encode(request), ModernProtocol.headers(request))
                        .idleTimeout(0, TimeUnit.MILLISECONDS);
            }, protocol, context.connectTimeout(), exchange()::readBody, host()::deliver, host()::end);
        }
    }

    private static String describe(JsonRpcMessage message) {
        return switch (message) {
            case Request r -> r.method();
            case Notification n -> n.method();
            case Response r -> "a response";
        };
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (listen != null) {
            listen.close();
            listen = null;
        }
    }

    @Override
    public void shutdown(Duration grace) {
        close();
        posts.values().forEach(post -> HttpWireBase.abort(post, "the gateway is stopping"));
    }
}
