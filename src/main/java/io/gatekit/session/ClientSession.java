package io.gatekit.session;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Everything the gateway knows about one connected client (the seed design's ClientContext): what it declared
 * at initialize, its requests in flight keyed by its own ids, and the server-to-client requests forwarded to it
 * under gateway ids. Thread-safe; many request threads and one reader thread use it at once.
 *
 * <p>Concurrency: the maps are concurrent: request threads register and finish, the reader thread cancels and
 * answers. Info, log level, listen grant, {@code ready} and {@code closed} are volatile, each written by one step
 * (initialize, setLevel, listen, close) and read from any thread. Attachments are a concurrent map.
 */
public final class ClientSession {
    private final String id;
    private final ClientChannel channel;
    private final Map<JsonNode, InFlight> inFlight = new ConcurrentHashMap<>();
    private final Map<Long, OutgoingRequest> outgoing = new ConcurrentHashMap<>();
    private final AtomicLong nextOutgoingId = new AtomicLong(1);
    private volatile ClientInfo info = ClientInfo.UNKNOWN;
    private volatile @Nullable String logLevel;
    private volatile SubscriptionFilter listening = SubscriptionFilter.NONE;
    private volatile Principal principal = Principal.ANONYMOUS;
    private volatile boolean ready;
    private volatile boolean closed;
    /** What other layers keep per client, by type (admission: the client's token bucket); rarely more than one. */
    private final Map<Class<?>, Object> attachments = new ConcurrentHashMap<>(2);

    public ClientSession(String id, ClientChannel channel) {
        this.id = id;
        this.channel = channel;
    }

    public String id() {
        return id;
    }

    /** What {@link #attach} kept for this client under {@code type}, or null. */
    public <T> @Nullable T attachment(Class<T> type) {
        return type.cast(attachments.get(type));
    }

    /** Keeps {@code value} for this client under its type (a layer's own private type is its key). */
    public <T> void attach(Class<T> type, T value) {
        attachments.put(type, value);
    }

    public ClientInfo info() {
        return info;
    }

    public void initialized(ClientInfo clientInfo) {
        this.info = clientInfo;
    }

    /** Who is calling: {@link Principal#ANONYMOUS} until the face authenticates the client. */
    public Principal principal() {
        return principal;
    }

    /**
     * Set by the face that authenticated the client, before its first request; a legacy HTTP session's later requests
     * set it again with the same caller's newer token (the face refuses any other caller), so policy reads current
     * claims.
     */
    public void authenticated(Principal who) {
        this.principal = who;
    }

    /** The minimum level set with {@code logging/setLevel}, or null if the client never set one. */
    public @Nullable String logLevel() {
        return logLevel;
    }

    public void setLogLevel(@Nullable String level) {
        this.logLevel = level;
    }

    /**
     * What this client hears on its {@code subscriptions/listen} stream (2026-07-28): the honoured subset, set
     * once the stream is acknowledged; {@link SubscriptionFilter#NONE} for a client without one.
     */
    public SubscriptionFilter listening() {
        return listening;
    }

    public void listen(SubscriptionFilter honoured) {
        this.listening = honoured;
    }

    /**
     * Numbers this client's server-to-client requests from {@code first}: a session served by several instances
     * starts each instance's numbering at a random point, so that the client's answer names the one that asked.
     */
    public void numberOutgoingFrom(long first) {
        nextOutgoingId.set(first);
    }

    /** The client sent {@code notifications/initialized}: it may now receive server-to-client requests. */
    public void markReady() {
        this.ready = true;
    }

    public boolean isReady() {
        return ready;
    }

    public boolean isClosed() {
        return closed;
    }

    public boolean send(JsonRpcMessage message) {
        return !closed && channel.send(message);
    }

    /**
     * Registers a client request under its own id. Empty when that id is already in flight: ids must be unique
     * among a client's outstanding requests, and a duplicate would make the two responses indistinguishable.
     */
    public Optional<InFlight> register(Request request) {
        InFlight entry = new InFlight(request.id(), request.method(), System.nanoTime(), new CompletableFuture<>());
        return inFlight.putIfAbsent(request.id(), entry) == null ? Optional.of(entry) : Optional.empty();
    }

    /** Forgets a finished request, only if {@code entry} is still the one registered under its id. */
    public void finish(InFlight entry) {
        inFlight.remove(entry.clientId(), entry);
    }

    public int inFlightCount() {
        return inFlight.size();
    }

    /** Cancels the client's request with that id, if it is still in flight; the handler will not answer it. */
    public boolean cancel(JsonNode clientId) {
        InFlight entry = clientId == null ? null : inFlight.get(clientId);
        return entry != null && entry.outcome().cancel(false);
    }

    /**
     * Sends a server-to-client request to this client under a fresh gateway id and remembers how to route the
     * answer. Returns false (and remembers nothing) if the client cannot be reached.
     */
    public boolean forward(Request request, OutgoingRequest route) {
        long gatewayId = nextOutgoingId.getAndIncrement();
        outgoing.put(gatewayId, route);
        if (!send(request.withId(JsonRpcIds.of(gatewayId)))) {
            outgoing.remove(gatewayId);
            return false;
        }
        return true;
    }

    /** Routes the client's answer to a forwarded request; false if no such request is outstanding. */
    public boolean acceptReply(Response response) {
        JsonNode responseId = response.id();
        if (responseId == null || !responseId.canConvertToLong()) {
            return false;
        }
        OutgoingRequest route = outgoing.remove(responseId.asLong());
        if (route == null) {
            return false;
        }
        route.onReply().accept(response);
        return true;
    }

    /** The gateway id under which a forwarded upstream request went to this client, if it is still open. */
    public Optional<Long> outgoingIdFor(String upstream, JsonNode upstreamId) {
        for (Map.Entry<Long, OutgoingRequest> e : outgoing.entrySet()) {
            OutgoingRequest route = e.getValue();
            if (route.upstream().equals(upstream) && route.upstreamId().equals(upstreamId)) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /** Drops a forwarded request without an answer (the upstream cancelled it). */
    public void dropOutgoing(long gatewayId) {
        outgoing.remove(gatewayId);
    }

    public Collection<InFlight> inFlight() {
        return List.copyOf(inFlight.values());
    }

    /**
     * The client is gone: cancels its requests in flight (their handlers cancel upstream) and answers every
     * request forwarded to it with an error, so no upstream waits forever.
     */
    public void close() {
        closed = true;
        for (InFlight entry : inFlight.values()) {
            entry.outcome().cancel(false);
        }
        for (Long key : List.copyOf(outgoing.keySet())) {
            OutgoingRequest route = outgoing.remove(key);
            if (route != null) {
                route.onReply().accept(Response.failure(JsonRpcIds.of(key),
                        JsonRpcError.of(ErrorCode.INTERNAL_ERROR, "The client disconnected before answering " + route.method())));
            }
        }
    }

    @Override
    public String toString() {
        return "client " + id;
    }
}
