package io.gatekit.faces.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes HTTP connections whose client sends a request too slowly: its line and headers not complete within
 * {@code headerTimeout} of its first byte (slowloris), or its body not complete within {@code bodyTimeout} of its
 * headers. Jetty 12 has only idle timeouts, which every byte resets, and does not enforce
 * {@code HttpConfiguration.minRequestDataRate}, so a client trickling a byte a second would otherwise hold its
 * connection, its buffers and (for a body) a handler thread for as long as it likes.
 *
 * <p>A connection listener on the face's connector keeps the open HTTP/1.1 connections; a tick on Jetty's
 * scheduler reads each one's request parser: which phase the request is in (headers or body) and since when this
 * tick first saw it there. A phase that outlasts its timeout gets the connection closed and one log line. So a
 * deadline holds to within one tick, a quarter of the shorter timeout (at most a second). The parser's state is
 * read without its connection's lock: a stale read delays a cut-off by a tick at most, and never closes a connection
 * whose request has moved on, because the phase is keyed by the connection's request count.
 *
 * <p>{@code HttpConnection} is Jetty's own HTTP/1.1 connection class (an {@code internal} package: public, but not
 * promised stable); {@code HttpFaceSlowClientTest} fails if an upgrade changes what this relies on.
 */
final class SlowClientGuard extends AbstractLifeCycle implements Connection.Listener {
    private static final Logger log = LoggerFactory.getLogger(SlowClientGuard.class);

    private enum Phase { HEADERS, BODY }

    /** Where one connection's current request was first seen, by this guard's single tick thread only. */
    private static final class Watch {
        @Nullable Phase phase;
        long request;
        long sinceNanos;
    }

    private final Scheduler scheduler;
    private final Duration headerTimeout;
    private final Duration bodyTimeout;
    private final long tickMillis;
    private final Map<HttpConnection, Watch> open = new ConcurrentHashMap<>();
    private volatile Scheduler.@Nullable Task next;

    SlowClientGuard(Scheduler scheduler, Duration headerTimeout, Duration bodyTimeout) {
        this.scheduler = scheduler;
        this.headerTimeout = headerTimeout;
        this.bodyTimeout = bodyTimeout;
        long shorter = Math.min(headerTimeout.toMillis(), bodyTimeout.toMillis());
        this.tickMillis = Math.clamp(shorter / 4, 10, 1000);
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            open.put(http, new Watch());
        }
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    /** Connections being watched now (for tests). */
    int watched() {
        return open.size();
    }

    @Override
    protected void doStart() {
        next = scheduler.schedule(this::tick, tickMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        Scheduler.Task task = next;
        if (task != null) {
            task.cancel();
        }
        open.clear();
    }

    private void tick() {
        long now = System.nanoTime();
        try {
            open.forEach((connection, watch) -> check(connection, watch, now));
        } finally {
            if (isRunning()) {
                next = scheduler.schedule(this::tick, tickMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void check(HttpConnection connection, Watch watch, long now) {
        Phase phase = phaseOf(connection.getParser());
        long request = connection.getMessagesIn();
        if (phase != watch.phase || request != watch.request) {
            watch.phase = phase;
            watch.request = request;
            watch.sinceNanos = now;
            return;
        }
        if (phase == null) {
            return;
        }
        Duration limit = phase == Phase.HEADERS ? headerTimeout : bodyTimeout;
        if (now - watch.sinceNanos > limit.toNanos()) {
            log.warn("closed the HTTP connection from {}: its request's {} took over {} s (proxy.http.{})",
                    connection.getEndPoint().getRemoteSocketAddress(), phase == Phase.HEADERS ? "headers" : "body",
                    limit.toSeconds(), phase == Phase.HEADERS ? "header_timeout" : "body_timeout");
            open.remove(connection);
            connection.getEndPoint().close();
        }
    }

    /** The phase a request is in: null between requests (idle keep-alive, which the idle timeout bounds) or after its body. */
    private static @Nullable Phase phaseOf(HttpParser parser) {
        HttpParser.State state = parser.getState();
        if (state == HttpParser.State.START) {
            return null;
        }
        if (parser.inHeaderState()) {
            return Phase.HEADERS;
        }
        return parser.inContentState() ? Phase.BODY : null;
    }
}
