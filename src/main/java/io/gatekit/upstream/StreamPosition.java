package io.gatekit.upstream;

import org.jspecify.annotations.Nullable;

/**
 * How far one upstream event stream got: the id of its last event (what a resuming GET names in
 * {@code Last-Event-ID}) and the reconnection time its {@code retry:} field set. Event ids are per stream, so each
 * stream keeps its own; written by the thread reading the stream, read by whoever reconnects it.
 */
final class StreamPosition {
    private volatile @Nullable String lastEventId;
    private volatile long retryMillis = -1;

    @Nullable String lastEventId() {
        return lastEventId;
    }

    void eventId(String id) {
        lastEventId = id;
    }

    void retry(long millis) {
        if (millis >= 0) {
            retryMillis = millis;
        }
    }

    /** The server's reconnection time, else {@code fallback}. */
    long retryOr(long fallback) {
        long retry = retryMillis;
        return retry >= 0 ? retry : fallback;
    }
}
