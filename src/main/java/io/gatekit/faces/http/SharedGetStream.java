package io.gatekit.faces.http;

import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.scaleout.SharedState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of scaled-out sessions' GET streams, kept in {@link SharedState} (a Redis stream per session, ADR
 * 0027) instead of the instance that produced them: a notification made by any instance's copy of a session reaches
 * the client's GET stream wherever it is, and a GET resumed on another instance with {@code Last-Event-ID} replays
 * what the client missed. Event ids are the shared stream's, unique across instances.
 */
final class SharedGetStream {
    private static final Logger log = LoggerFactory.getLogger(SharedGetStream.class);

    private final SharedState shared;
    private final JsonRpcCodec codec;

    SharedGetStream(SharedState shared, JsonRpcCodec codec) {
        this.shared = shared;
        this.codec = codec;
    }

    /** Appends {@code message} to the session's stream; completes with its id, or fails when it was not kept. */
    CompletionStage<String> append(String session, JsonRpcMessage message) {
        return shared.appendEvent(session, new String(codec.encode(message), StandardCharsets.UTF_8));
    }

    /** The session's events after {@code afterId}, oldest first (none while the shared state is unreachable). */
    List<HttpSession.Event> after(String session, String afterId) {
        List<SharedState.StreamEvent> kept = shared.eventsAfter(session, afterId);
        List<HttpSession.Event> events = new ArrayList<>(kept.size());
        for (SharedState.StreamEvent event : kept) {
            if (codec.decode(event.json().getBytes(StandardCharsets.UTF_8)) instanceof Decoded.Ok(JsonRpcMessage message)) {
                events.add(new HttpSession.Event(0, event.id(), message));
            } else {
                log.warn("skipped an unreadable event {} of a session's shared GET stream", event.id());
            }
        }
        return events;
    }

    /** Where a GET stream opened without {@code Last-Event-ID} starts: after what the client last had. */
    String resumePoint(String session) {
        return shared.lastDelivered(session).orElse(START);
    }

    void delivered(String session, String eventId) {
        shared.delivered(session, eventId);
    }

    /** Before the first event of any stream. */
    static final String START = "0-0";

    /** Whether {@code id} (after the {@code g-} prefix) is one of a shared stream's ids: {@code <ms>-<n>}. */
    static boolean isSharedId(String id) {
        return id.matches("\\d{1,19}-\\d{1,19}");
    }
}
