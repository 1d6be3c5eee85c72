package io.gatekit.faces.http;

import java.time.Duration;

/**
 * How long the face's streams wait: {@code keepAlive} between keep-alive comments (and before a slow answer turns
 * a POST into an event stream), {@code writeTimeout} for one write to a client, {@code requestBound} for the
 * gateway's answer to one request (the core answers by {@code request_timeout}; this only guards against an
 * answer that never comes).
 */
record StreamTimings(Duration keepAlive, Duration writeTimeout, Duration requestBound) {
    static StreamTimings of(Duration keepAlive, Duration requestTimeout) {
        return new StreamTimings(keepAlive, keepAlive.plusSeconds(15), requestTimeout.plusSeconds(30));
    }
}
