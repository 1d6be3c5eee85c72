package io.gatekit.faces.http;

import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.scaleout.SessionEvent;
import io.gatekit.scaleout.SharedState;
import io.gatekit.session.ClientSession;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A scaled-out face's link to the other instances serving its sessions (ADR 0027): what a client sends to this
 * instance but another must act on goes out through {@link SharedState} (a cancellation, an answer to a
 * server-to-client request this instance did not send, a new log level), and what others send in is applied to
 * this instance's copy of the session, if it has one.
 */
final class SessionRelay {
    private static final Logger log = LoggerFactory.getLogger(SessionRelay.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SharedState shared;
    private final SessionRegistry registry;
    private final JsonRpcCodec codec;
    /** Numbers the replayed subscription requests, whose ids no client uses. */
    private final AtomicLong replicas = new AtomicLong();

    SessionRelay(SharedState shared, SessionRegistry registry, JsonRpcCodec codec) {
        this.shared = shared;
        this.registry = registry;
        this.codec = codec;
        if (registry.scaledOut()) {
            shared.subscribe(this::apply);
            registry.onContinued(this::continued);
        }
    }

    /** The client cancelled {@code requestId}: the instance running it (perhaps not this one) stops it. */
    void cancelled(HttpSession session, JsonNode requestId) {
        if (registry.scaledOut()) {
            shared.cancel(session.id(), requestId);
        }
    }

    /**
     * The client answered a server-to-client request. Scaled out, the answer goes to the instance that sent the
     * request when it is not this one; returns false when the face is not scaled out (the gateway client takes it).
     */
    boolean replied(HttpSession session, JsonRpcMessage.Response reply) {
        if (!registry.scaledOut()) {
            return false;
        }
        if (!session.attached().session().acceptReply(reply)) {
            shared.reply(session.id(), JSON.readTree(codec.encode(reply)));
        }
        return true;
    }

    /** The client set its log level here: remembered for instances that continue the session later. */
    void levelSet(HttpSession session, String level) {
        if (registry.scaledOut()) {
            shared.logLevel(session.id(), level);
        }
    }

    /**
     * The client subscribed to or unsubscribed from a resource here: every instance's copy of the session does the
     * same with its own upstreams, so an update any of them hears reaches the client (through the shared GET stream).
     */
    void subscriptionChanged(HttpSession session, String uri, boolean subscribed) {
        if (registry.scaledOut()) {
            shared.resourceSubscription(session.id(), uri, subscribed);
        }
    }

    /** A session this instance starts serving takes up the client's resource subscriptions. */
    private void continued(HttpSession session) {
        for (String uri : shared.resourceSubscriptions(session.id())) {
            replicate(session, uri, true);
        }
    }

    /**
     * Makes this instance's copy of the session (un)subscribe as the client did elsewhere: the client's own request,
     * replayed under an id of the gateway's, through the whole chain (policy, plugins, audit), its answer dropped.
     */
    private void replicate(HttpSession session, String uri, boolean subscribed) {
        ObjectNode request = JSON.createObjectNode().put("jsonrpc", "2.0")
                .put("id", "gatekit-replica-" + replicas.incrementAndGet())
                .put("method", subscribed ? "resources/subscribe" : "resources/unsubscribe");
        request.putObject("params").put("uri", uri);
        Decoded decoded = codec.decode(JSON.writeValueAsBytes(request));
        if (decoded instanceof Decoded.Ok) {
            session.attached().handler().onMessage(decoded);
        }
    }

    private void apply(SessionEvent event) {
        HttpSession session = registry.local(event.session());
        if (session == null || session.endpoint() == null) {
            return;
        }
        ClientSession client = session.attached().session();
        switch (event) {
            case SessionEvent.Ended ended -> registry.end(session, "ended on another instance");
            case SessionEvent.LevelChanged changed -> client.setLogLevel(changed.level());
            case SessionEvent.EventAdded added -> session.eventsArrived();
            case SessionEvent.SubscriptionChanged changed -> replicate(session, changed.uri(), changed.subscribed());
            case SessionEvent.Cancelled cancelled -> {
                session.abandon(cancelled.requestId());
                if (client.cancel(cancelled.requestId())) {
                    log.debug("{}: request {} cancelled through another instance", client, cancelled.requestId());
                }
            }
            case SessionEvent.Replied replied -> {
                if (codec.decode(JSON.writeValueAsBytes(replied.response())) instanceof Decoded.Ok(JsonRpcMessage.Response reply)) {
                    client.acceptReply(reply);
                }
            }
        }
    }
}
