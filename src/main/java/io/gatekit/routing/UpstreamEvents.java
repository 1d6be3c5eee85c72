package io.gatekit.routing;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.plugins.Plugins;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.session.ClientInfo;
import io.gatekit.session.ClientSession;
import io.gatekit.session.OutgoingRequest;
import io.gatekit.session.SessionDirectory;
import io.gatekit.chain.Exchange;
import io.gatekit.upstream.CallOrigin;
import io.gatekit.upstream.PendingCall;
import io.gatekit.upstream.Upstream;
import io.gatekit.upstream.UpstreamListener;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Routes what upstreams send on their own. Server-to-client requests (sampling, roots, elicitation) go to the
 * one client they can belong to, never to a guessed one. Notifications: list changes invalidate the merged
 * list and reach every client; resource updates reach the subscribers; log messages reach the clients whose
 * level admits them; an upstream that comes or goes changes the lists too. A shared stdio
 * upstream's request names no client, so the rule is: the single client with requests in flight on that
 * upstream, else the single connected client; with no such client, {@code roots/list} gets an empty list and
 * other requests a clear error (see docs/adr/0002).
 */
final class UpstreamEvents implements UpstreamListener {
    private static final Logger log = LoggerFactory.getLogger(UpstreamEvents.class);

    private final SessionDirectory sessions;
    private final ChangeAnnouncer announcer;
    private final ResourceSubscriptions subscriptions;
    private final LogLevels logLevels;
    private final HeldCalls heldCalls;

    private final Plugins plugins;

    UpstreamEvents(SessionDirectory sessions, ChangeAnnouncer announcer, ResourceSubscriptions subscriptions,
            LogLevels logLevels, HeldCalls heldCalls, Plugins plugins) {
        this.heldCalls = heldCalls;
        this.plugins = plugins;
        this.sessions = sessions;
        this.announcer = announcer;
        this.subscriptions = subscriptions;
        this.logLevels = logLevels;
    }

    /**
     * The client a call was made for: the routing side makes every client call with its exchange as origin, whose
     * session key is its client (a client's own upstream session names its client the same way).
     */
    private static @Nullable ClientSession clientOf(@Nullable CallOrigin origin) {
        if (origin instanceof Exchange exchange) {
            return exchange.client(); // a 2026-07-28 client too, whose calls have no session key (they share none)
        }
        return origin != null && origin.sessionKey() instanceof ClientSession client ? client : null;
    }

    @Override
    public void onServerRequest(Upstream upstream, Request received, @Nullable CallOrigin origin) {
        ClientSession requester = clientOf(origin);
        if ("ping".equals(received.method())) {
            upstream.reply(Response.success(received.id(), JsonNodeFactory.instance.objectNode()));
            return;
        }
        // Through the upstream's plugins first: a sampling prompt or an elicitation can carry what a filter guards.
        JsonRpcMessage filtered = plugins.serverRequest(upstream.name(), requester, received);
        if (!(filtered instanceof Request request)) {
            upstream.reply(((Response) filtered).withId(received.id()));
            return;
        }
        String method = request.method();
        String capability = ClientInfo.capabilityFor(method);
        if ("roots/list".equals(method)) {
            announcer.rootsAskedBy(upstream.name());
        }
        if (capability == null) {
            upstream.reply(Response.failure(request.id(), JsonRpcError.of(ErrorCode.METHOD_NOT_FOUND,
                    "Gatekit does not route server-to-client method " + method)));
            return;
        }
        boolean allowed = !"roots/list".equals(method) || upstream.config().forwardRoots();
        Optional<ClientSession> target = !allowed ? Optional.empty()
                : requester != null && !requester.isClosed() ? Optional.of(requester) : attributableClient(upstream);
        // A 2026-07-28 client takes no requests: it is asked through its call's input_required answer instead.
        if (target.isPresent() && target.get().info().isModern() && target.get().info().hasCapability(capability)
                && heldCalls.surface(target.get(), upstream, request)) {
            return;
        }
        // The spec: no requests to a client before its notifications/initialized.
        if (target.isPresent() && target.get().isReady() && target.get().info().hasCapability(capability)) {
            ClientSession client = target.get();
            OutgoingRequest route = new OutgoingRequest(upstream.name(), request.id(), method,
                    answer -> upstream.reply(plugins.serverRequestAnswer(upstream.name(), client, request, answer)
                            .withId(request.id())));
            if (client.forward(request, route)) {
                return;
            }
        }
        if ("roots/list".equals(method)) {
            // No client can be named or it has no roots: an empty list is true and leaks nothing.
            ObjectNode empty = JsonNodeFactory.instance.objectNode();
            empty.putArray("roots");
            upstream.reply(Response.success(request.id(), empty));
            return;
        }
        String why = target.isEmpty()
                ? "no single client can be identified as its requester (shared upstream with several active clients, or none connected)"
                : !target.get().isReady() ? "the client has not finished initializing"
                : "the client did not declare the '" + capability + "' capability";
        log.warn("refused {} from upstream {}: {}", method, upstream.name(), why);
        upstream.reply(Response.failure(request.id(), JsonRpcError.of(ErrorCode.INTERNAL_ERROR,
                "Gatekit cannot forward " + method + " from upstream '" + upstream.name() + "': " + why)));
    }

    private Optional<ClientSession> attributableClient(Upstream upstream) {
        Set<ClientSession> active = requesters(upstream);
        if (active.isEmpty()) {
            active.addAll(sessions.all());
        }
        return active.size() == 1 ? Optional.of(active.iterator().next()) : Optional.empty();
    }

    /** The live clients with requests in flight on the upstream. */
    private static Set<ClientSession> requesters(Upstream upstream) {
        Set<ClientSession> active = new LinkedHashSet<>();
        for (PendingCall call : upstream.inFlight()) {
            ClientSession client = clientOf(call.origin());
            if (client != null && !client.isClosed()) {
                active.add(client);
            }
        }
        return active;
    }

    @Override
    public void onNotification(Upstream upstream, Notification received) {
        Notification notification = plugins.fromUpstream(upstream.name(), received);
        if (notification == null) {
            return;
        }
        String method = notification.method();
        ListKind changed = ListKind.forListChanged(method);
        if (changed != null) {
            announcer.listChanged(changed);
            return;
        }
        switch (method) {
            case "notifications/cancelled" -> cancelForwarded(upstream, notification);
            case "notifications/resources/updated" -> subscriptions.resourceUpdated(upstream, notification);
            case "notifications/message" -> {
                // A legacy session hears its upstreams' logs at its level. A 2026-07-28 client's logs are scoped to
                // its requests, and this message names none: only a client that is alone in having requests in
                // flight on this upstream can be sure it is about its own.
                String level = levelOf(notification);
                Optional<ClientSession> requester = soleRequester(upstream);
                for (ClientSession client : sessions.all()) {
                    boolean scoped = client.info().isModern();
                    if (client.info().protocolVersion() != null && LogLevels.wantsLog(client, level)
                            && (!scoped || requester.filter(client::equals).isPresent())) {
                        client.send(notification);
                    }
                }
            }
            default -> log.debug("upstream {}: notification {} not routed", upstream.name(), method);
        }
    }

    @Override
    public void onRequestLog(Upstream upstream, Notification received, CallOrigin origin) {
        Notification message = plugins.fromUpstream(upstream.name(), received);
        ClientSession requester = clientOf(origin);
        if (message == null) {
            return;
        }
        if (requester != null && !requester.isClosed() && LogLevels.wantsLog(requester, levelOf(message))) {
            requester.send(message);
        }
    }

    private static @Nullable String levelOf(Notification message) {
        return message.params() == null ? null : message.params().path("level").asString(null);
    }

    /** The one client with requests in flight on the upstream, if exactly one has. */
    private static Optional<ClientSession> soleRequester(Upstream upstream) {
        Set<ClientSession> active = requesters(upstream);
        return active.size() == 1 ? Optional.of(active.iterator().next()) : Optional.empty();
    }

    /** The upstream withdrew a request it had sent to a client: tell that client, under the client's id. */
    private void cancelForwarded(Upstream upstream, Notification notification) {
        if (!(notification.params() instanceof ObjectNode given)) {
            return;
        }
        JsonNode upstreamId = given.get("requestId");
        if (upstreamId == null) {
            return;
        }
        for (ClientSession client : sessions.all()) {
            Optional<Long> gatewayId = client.outgoingIdFor(upstream.name(), upstreamId);
            if (gatewayId.isPresent()) {
                client.dropOutgoing(gatewayId.get());
                ObjectNode params = given.deepCopy();
                params.set("requestId", JsonRpcIds.of(gatewayId.get()));
                client.send(new Notification(notification.method(), params));
                return;
            }
        }
    }

    @Override
    public void onStateChange(Upstream upstream, Upstream.State previous, Upstream.State state) {
        log.debug("upstream {} is now {}", upstream.name(), state);
        boolean cameUp = state == Upstream.State.READY;
        boolean wentDown = previous == Upstream.State.READY && state != Upstream.State.STOPPED;
        if (cameUp) {
            // Replayed off the reader thread: the calls wait for the upstream's answers on this very thread.
            Thread.ofVirtual().name("gatekit-replay").start(() -> {
                subscriptions.replay(upstream);
                logLevels.replay(upstream);
            });
        }
        if (cameUp || wentDown) {
            // Its tools, prompts and resources appear or vanish from the merged lists.
            for (ListKind kind : List.of(ListKind.TOOLS, ListKind.PROMPTS, ListKind.RESOURCES)) {
                if (upstream.info().map(i -> i.has(kind.capability)).orElse(false)) {
                    announcer.listChanged(kind);
                }
            }
        }
    }
}
