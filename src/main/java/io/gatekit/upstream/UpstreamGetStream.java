package io.gatekit.upstream;

import io.gatekit.jsonrpc.Decoded;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone GET stream of a session-era upstream: what the server sends outside any request's own stream
 * (list changes, requests not tied to a call). Opened once the session starts. A server that offers none answers
 * 405 (noted, never retried). A stream that closes normally, as proxies' idle timeouts close it, is reopened for as
 * long as the session lasts, after the server's {@code retry} interval and with {@code Last-Event-ID}; only
 * consecutive failures (no answer, 5xx, a broken stream) back off, capped. Runs on its own virtual thread.
 *
 * <p>Concurrency: one virtual thread runs the stream and alone touches its position. {@link #close}, from any
 * thread, sets the volatile {@code closed}, aborts the volatile current request and interrupts the thread.
 */
final class UpstreamGetStream {
    private static final Logger log = LoggerFactory.getLogger(UpstreamGetStream.class);
    /** After a normal close when the server named no {@code retry}: soon, but never a busy loop. */
    static final long DEFAULT_RETRY_MILLIS = 1000;
    private static final long MIN_BACKOFF_MILLIS = 250;
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    /** Reads one event stream, advancing {@code position}, each message to {@code sink}. */
    interface EventReader {
        void read(InputStream in, StreamPosition position, Consumer<Decoded> sink) throws Exception;
    }

    private final String upstream;
    private final Function<@Nullable String, org.eclipse.jetty.client.Request> newGet;
    private final Duration connectTimeout;
    private final EventReader reader;
    private final Consumer<Decoded> sink;
    private final Runnable sessionLost;
    private final StreamPosition position = new StreamPosition();
    private volatile boolean closed;
    private volatile org.eclipse.jetty.client.@Nullable Request current;
    private final Thread thread;

    private UpstreamGetStream(String upstream, Function<@Nullable String, org.eclipse.jetty.client.Request> newGet,
            Duration connectTimeout, EventReader reader, Consumer<Decoded> sink, Runnable sessionLost) {
        this.upstream = upstream;
        this.newGet = newGet;
        this.connectTimeout = connectTimeout;
        this.reader = reader;
        this.sink = sink;
        this.sessionLost = sessionLost;
        // Made here and started by open, so the field is final and set before anyone can call close.
        this.thread = Thread.ofVirtual().name("gatekit-http-get-" + upstream).unstarted(this::run);
    }

    /**
     * Starts the stream. {@code newGet} builds the GET afresh for each connection, given the last event id seen
     * (null at first); {@code sessionLost} hears a 404 (the server forgot the session), after which this stream
     * stops: the session's renewal opens a new one.
     */
    static UpstreamGetStream open(String upstream, Function<@Nullable String, org.eclipse.jetty.client.Request> newGet,
            Duration connectTimeout, EventReader reader, Consumer<Decoded> sink, Runnable sessionLost) {
        UpstreamGetStream stream = new UpstreamGetStream(upstream, newGet, connectTimeout, reader, sink, sessionLost);
        stream.thread.start();
        return stream;
    }

    void close() {
        closed = true;
        org.eclipse.jetty.client.Request request = current;
        if (request != null) {
            HttpWireBase.abort(request, "GET stream closed by the gateway");
        }
        thread.interrupt();
    }

    /** Capped exponential backoff for the {@code failures}-th consecutive failure (1-based). */
    static long backoffMillis(int failures) {
        return Math.min(MAX_BACKOFF_MILLIS, MIN_BACKOFF_MILLIS << Math.min(Math.max(failures - 1, 0), 10));
    }

    private void run() {
        int failures = 0;
        while (!closed) {
            try {
                Integer refused = connectOnce();
                if (refused == null) {
                    failures = 0; // it opened: whatever ends it next is counted afresh
                } else if (refused == 405) {
                    log.debug("upstream {}: the server offers no GET stream (HTTP 405)", upstream);
                    return;
                } else if (refused == 404) {
                    log.info("upstream {}: the GET stream found the session gone (HTTP 404)", upstream);
                    sessionLost.run();
                    return;
                } else if (refused / 100 == 4) {
                    log.info("upstream {}: the server refused the GET stream (HTTP {}); not retried", upstream, refused);
                    return;
                } else {
                    failures++;
                    log.debug("upstream {}: GET stream answered HTTP {}", upstream, refused);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (closed) {
                    return;
                }
                failures++;
                log.debug("upstream {}: GET stream failed ({} in a row): {}", upstream, failures, e.toString());
            }
            long wait = failures == 0 ? position.retryOr(DEFAULT_RETRY_MILLIS)
                    : Math.max(position.retryOr(0), backoffMillis(failures));
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One connection: null when the stream opened (and has now ended), else the refusing status. */
    private @Nullable Integer connectOnce() throws Exception {
        org.eclipse.jetty.client.Request request = newGet.apply(position.lastEventId());
        current = request;
        if (closed) {
            return null;
        }
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        org.eclipse.jetty.client.Response response;
        try {
            response = listener.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        try (InputStream in = new BufferedInputStream(listener.getInputStream(), 8192)) {
            if (response.getStatus() != 200) {
                return response.getStatus();
            }
            reader.read(in, position, sink);
            log.debug("upstream {}: GET stream closed by the server; reopening", upstream);
            return null;
        }
    }
}
