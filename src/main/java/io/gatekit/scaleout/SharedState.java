package io.gatekit.scaleout;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * What the instances serving the same sessions share and tell each other, beyond what travels in a session's
 * token (ADR 0027). {@link #LOCAL} is one instance alone: nothing to share, nobody to tell. {@link RedisState}
 * keeps it in Redis.
 *
 * <p>Every call is off the single-instance hot path: a request of a session the instance already serves touches
 * none of this; a session new to the instance, a DELETE, a {@code logging/setLevel}, a cancellation or a reply
 * the instance cannot place does.
 */
public interface SharedState extends AutoCloseable {

    /** One instance, nothing shared. */
    SharedState LOCAL = new SharedState() {
        @Override
        public boolean isEnded(String session) {
            return false;
        }

        @Override
        public void end(String session) {}

        @Override
        public Optional<String> logLevel(String session) {
            return Optional.empty();
        }

        @Override
        public void logLevel(String session, String level) {}

        @Override
        public void cancel(String session, JsonNode requestId) {}

        @Override
        public void reply(String session, JsonNode response) {}

        @Override
        public boolean sharesEvents() {
            return false;
        }

        @Override
        public CompletionStage<String> appendEvent(String session, String json) {
            return CompletableFuture.failedFuture(new IllegalStateException("one instance keeps its events itself"));
        }

        @Override
        public List<StreamEvent> eventsAfter(String session, String afterId) {
            return List.of();
        }

        @Override
        public Optional<String> lastDelivered(String session) {
            return Optional.empty();
        }

        @Override
        public void delivered(String session, String eventId) {}

        @Override
        public void resourceSubscription(String session, String uri, boolean subscribed) {}

        @Override
        public Set<String> resourceSubscriptions(String session) {
            return Set.of();
        }

        @Override
        public void subscribe(Consumer<SessionEvent> listener) {}

        @Override
        public void close() {}
    };

    /** Whether the session was ended (DELETE) on any instance: its token then opens nowhere. */
    boolean isEnded(String session);

    /** Ends the session everywhere: remembered until its token expires, and told to every instance. */
    void end(String session);

    /** The level the client last set with {@code logging/setLevel}, on whichever instance. */
    Optional<String> logLevel(String session);

    /** Remembers the client's level and tells every instance serving the session. */
    void logLevel(String session, String level);

    /** Tells every instance that the client cancelled {@code requestId}: the one running it stops it. */
    void cancel(String session, JsonNode requestId);

    /** Hands the client's answer to a server-to-client request to the instance that sent the request. */
    void reply(String session, JsonNode response);

    /**
     * Whether the events of a session's standalone GET stream are kept here for every instance, so that the
     * stream, or its resumption after {@code Last-Event-ID}, may be on any instance.
     */
    boolean sharesEvents();

    /**
     * Appends one event (an encoded JSON-RPC message) to the session's stream (bounded: the oldest go first) and
     * tells the other instances. Completes with the event's id, unique across instances and increasing, or fails
     * (within the command timeout) when it could not be kept. Never blocks the caller.
     */
    CompletionStage<String> appendEvent(String session, String json);

    /** The session's events after {@code afterId} ({@code 0-0}: all kept), oldest first; empty if unreachable. */
    List<StreamEvent> eventsAfter(String session, String afterId);

    /** The id of the last event delivered to the client, by whichever instance. */
    Optional<String> lastDelivered(String session);

    /** Remembers that the client has had the events up to {@code eventId}. */
    void delivered(String session, String eventId);

    /**
     * Remembers that the client subscribed to (or unsubscribed from) the resource {@code uri}, as it named it, and
     * tells the instances serving the session, so that each copy holds the subscription with its own upstreams.
     */
    void resourceSubscription(String session, String uri, boolean subscribed);

    /** The resources the client is subscribed to, for an instance that starts serving the session. */
    Set<String> resourceSubscriptions(String session);

    /** One event of a session's shared stream. */
    record StreamEvent(String id, String json) {}

    /** Hears what other instances tell ({@link SessionEvent}), on a thread of the state's own. */
    void subscribe(Consumer<SessionEvent> listener);

    @Override
    void close();
}
