package io.gatekit.routing;

import io.gatekit.jsonrpc.ProtocolVersions;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Target;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.security.policy.AccessKind;
import io.gatekit.security.policy.CurrentPolicy;
import io.gatekit.security.policy.PolicyLink;
import io.gatekit.session.ClientSession;
import io.gatekit.session.SubscriptionFilter;
import io.gatekit.upstream.Upstream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Resource subscriptions, shared: legacy {@code resources/subscribe} and 2026-07-28 {@code subscriptions/listen}
 * streams subscribe through one reference count per upstream resource ({@link Subscriptions}), so an upstream is
 * subscribed once however many clients want a resource, unsubscribed when the last one leaves, and subscribed
 * again after it restarts. Its {@code notifications/resources/updated} reach the subscribers only.
 */
final class ResourceSubscriptions {
    private static final Logger log = LoggerFactory.getLogger(ResourceSubscriptions.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Subscriptions subscriptions = new Subscriptions();
    private final UpstreamSet upstreams;
    private final Targets targets;
    private final Forwarder forwarder;
    private final Lifecycle lifecycle;
    private final CurrentPolicy policy;

    ResourceSubscriptions(UpstreamSet upstreams, Targets targets, Forwarder forwarder, Lifecycle lifecycle,
            CurrentPolicy policy) {
        this.policy = policy;
        this.upstreams = upstreams;
        this.targets = targets;
        this.forwarder = forwarder;
        this.lifecycle = lifecycle;
    }

    /** Whether the access policy lets {@code client} read the resource (and so hear of its updates). */
    private boolean mayRead(ClientSession client, Namespace.Qualified resource) {
        return policy.get().forCaller(client.principal())
                .decide(AccessKind.RESOURCE, resource.upstream(), resource.name(), () -> false).allowed();
    }

    /** Legacy {@code resources/subscribe} and {@code resources/unsubscribe}: upstream only for the first or last subscriber. */
    JsonNode subscription(Exchange exchange, ObjectNode params) {
        ClientSession client = exchange.client();
        Request request = exchange.request();
        Namespace.Qualified resolved = targets.resolveUri(Targets.requireString(params, "uri", request.method()));
        if (!mayRead(client, resolved)) {
            throw new GatewayException(PolicyLink.unknown(AccessKind.RESOURCE,
                    Namespace.qualify(resolved.upstream(), resolved.name())));
        }
        Subscriptions.Key key = new Subscriptions.Key(resolved.upstream(), resolved.name());
        boolean subscribe = request.method().equals("resources/subscribe");
        boolean upstreamNeedsIt = subscribe ? subscriptions.subscribe(key, client) : subscriptions.unsubscribe(key, client);
        if (!upstreamNeedsIt) {
            return NODES.objectNode();
        }
        try {
            Upstream upstream = upstreams.get(resolved.upstream());
            if (upstream == null) {
                throw new GatewayException(ErrorCode.INVALID_PARAMS, "No upstream named '" + resolved.upstream() + "'");
            }
            Target target = new Target(upstream, resolved.name());
            Response response = forwarder.call(exchange, upstream,
                    request.withParams(Targets.withMember(params, "uri", resolved.name())), exchange.inFlight().outcome(),
                    exchange.deadlineNanos());
            JsonRpcError error = response.error();
            if (error != null) {
                throw new GatewayException(Targets.qualifyError(error, target));
            }
            return response.successResult();
        } catch (RuntimeException e) {
            if (subscribe) {
                subscriptions.unsubscribe(key, client);
            }
            throw e;
        }
    }

    /**
     * 2026-07-28 {@code subscriptions/listen}, from a client whose transport holds the stream open (over HTTP,
     * one gateway client per stream). Works out what the gateway can deliver: a list's changes when the merged
     * capabilities say {@code listChanged}, a resource's updates when its URI resolves to an upstream that
     * supports {@code subscribe} and that subscription is in place upstream (shared and reference-counted with
     * every other subscriber, legacy sessions included). The honoured subset is recorded on the client, so list
     * changes and resource updates reach it, and returned as {@code {notifications}}: the transport sends it as
     * {@code notifications/subscriptions/acknowledged}, tags what follows with the listen request's id, and
     * answers the request itself only when the stream ends. Leaving ({@link #clientGone}) unsubscribes upstream
     * what only this stream wanted.
     */
    JsonNode listen(ClientSession client, ObjectNode params, long deadline) {
        if (!client.info().isModern()) {
            throw new GatewayException(ErrorCode.METHOD_NOT_FOUND, "Method not found: subscriptions/listen belongs to"
                    + " protocol revision " + ProtocolVersions.MODERN + "; this session negotiated "
                    + client.info().protocolVersion() + " (use resources/subscribe; list changes arrive unsolicited)");
        }
        SubscriptionFilter requested = SubscriptionFilter.parse(params.get("notifications"));
        ObjectNode capabilities = lifecycle.capabilities();
        List<String> subscribed = new ArrayList<>();
        for (String uri : requested.resourceSubscriptions()) {
            if (subscribeListener(client, uri, deadline)) {
                subscribed.add(uri);
            }
        }
        SubscriptionFilter honoured = new SubscriptionFilter(
                requested.toolsListChanged() && offersListChanged(capabilities, "tools"),
                requested.promptsListChanged() && offersListChanged(capabilities, "prompts"),
                requested.resourcesListChanged() && offersListChanged(capabilities, "resources"),
                subscribed);
        client.listen(honoured);
        if (client.isClosed()) {
            // The stream closed while this ran, so its clientGone may have come before these subscriptions: undo them.
            clientGone(client);
        }
        ObjectNode result = NODES.objectNode();
        result.set("notifications", honoured.toJson());
        return result;
    }

    private static boolean offersListChanged(ObjectNode capabilities, String feature) {
        return capabilities.path(feature).path("listChanged").asBoolean(false);
    }

    /**
     * Subscribes a listening client to one resource, upstream too when it is the first subscriber. False, with
     * nothing kept, when no upstream can deliver that resource's updates: an unknown URI, an upstream without
     * {@code resources.subscribe}, or an upstream that refused or failed the subscription.
     */
    private boolean subscribeListener(ClientSession client, String uri, long deadline) {
        Namespace.Qualified target;
        try {
            target = targets.resolveUri(uri);
        } catch (GatewayException e) {
            return false;
        }
        if (!mayRead(client, target)) {
            return false; // as for an unknown URI: the caller may not tell a hidden resource from a missing one
        }
        Upstream upstream = upstreams.get(target.upstream());
        boolean supported = upstream != null && upstream.info()
                .map(i -> i.capabilities().path("resources").path("subscribe").asBoolean(false)).orElse(false);
        if (upstream == null || !supported) {
            return false;
        }
        Subscriptions.Key key = new Subscriptions.Key(target.upstream(), target.name());
        if (!subscriptions.subscribe(key, client)) {
            return true; // the upstream is already subscribed for someone else
        }
        // The gateway's own bookkeeping call (no origin client), like the replay after an upstream restart.
        String problem = forwarder.callForProblem(upstream, "resources/subscribe", NODES.objectNode().put("uri", target.name()), deadline);
        if (problem == null) {
            return true;
        }
        log.warn("subscriptions/listen: upstream {} did not subscribe to {}: {}", upstream.name(), target.name(), problem);
        subscriptions.unsubscribe(key, client);
        return false;
    }

    /** A client left: unsubscribe upstream from what only it was subscribed to. */
    void clientGone(ClientSession client) {
        for (Subscriptions.Key key : subscriptions.dropClient(client)) {
            Upstream upstream = upstreams.get(key.upstream());
            if (upstream != null) {
                forwarder.callQuietly(upstream, "resources/unsubscribe", NODES.objectNode().put("uri", key.uri()));
            }
        }
    }

    /** Upstream {@code notifications/resources/updated}: to the subscribers of that resource only. */
    void resourceUpdated(Upstream upstream, Notification notification) {
        if (!(notification.params() instanceof ObjectNode given)) {
            return;
        }
        String uri = given.path("uri").asString(null);
        if (uri == null) {
            return;
        }
        ObjectNode params = given.deepCopy();
        params.put("uri", Namespace.qualify(upstream.name(), uri));
        Notification rewritten = new Notification(notification.method(), params);
        for (ClientSession client : subscriptions.subscribersOf(new Subscriptions.Key(upstream.name(), uri))) {
            client.send(rewritten);
        }
    }

    /** After an upstream (re)starts: subscribe it again to what clients still want. */
    void replay(Upstream upstream) {
        for (String uri : subscriptions.urisOf(upstream.name())) {
            forwarder.callQuietly(upstream, "resources/subscribe", NODES.objectNode().put("uri", uri));
        }
    }
}
