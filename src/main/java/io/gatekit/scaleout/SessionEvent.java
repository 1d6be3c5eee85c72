package io.gatekit.scaleout;

import tools.jackson.databind.JsonNode;

/** What one instance tells the others about a session (a {@link SharedState} delivers it). */
public sealed interface SessionEvent {
    String session();

    /** The session was ended (DELETE): drop it. */
    record Ended(String session) implements SessionEvent {}

    /** The client set its log level. */
    record LevelChanged(String session, String level) implements SessionEvent {}

    /** The client cancelled one of its requests. */
    record Cancelled(String session, JsonNode requestId) implements SessionEvent {}

    /** An event was added to the session's GET stream: the instance holding the stream reads it. */
    record EventAdded(String session) implements SessionEvent {}

    /** The client subscribed to ({@code subscribed}) or unsubscribed from a resource through another instance. */
    record SubscriptionChanged(String session, String uri, boolean subscribed) implements SessionEvent {}

    /** The client answered a server-to-client request (the whole JSON-RPC response). */
    record Replied(String session, JsonNode response) implements SessionEvent {}
}
