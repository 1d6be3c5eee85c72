package io.gatekit.faces.http;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * How long the face's streams wait: {@code keepAlive} between keep-alive comments (and before a slow answer turns
 * a POST into an event stream), {@code writeTimeout} for one write to a client, {@link #requestBound} for the
 * gateway's answer to one request (the core answers by {@code request_timeout}; this only guards against an
 * answer that never comes). The request timeout is read when a stream starts waiting, so a hot reload that raises it
 * raises the bound too.
 */
record StreamTimings(Duration keepAlive, Duration writeTimeout, Supplier<Duration> requestTimeout) {
    static StreamTimings of(Duration keepAlive, Supplier<Duration> requestTimeout) {
        return new StreamTimings(keepAlive, keepAlive.plusSeconds(15), requestTimeout);
    }

    Duration requestBound() {
        return requestTimeout.get().plusSeconds(30);
    }
}
