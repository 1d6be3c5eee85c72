package io.gatekit.scaleout;

import java.util.Optional;
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

    /** Hears what other instances tell ({@link SessionEvent}), on a thread of the state's own. */
    void subscribe(Consumer<SessionEvent> listener);

    @Override
    void close();
}
