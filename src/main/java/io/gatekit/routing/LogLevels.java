package io.gatekit.routing;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.session.ClientSession;
import io.gatekit.session.SessionDirectory;
import io.gatekit.upstream.Upstream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Log levels: each client's own threshold, and the one level the shared upstreams log at, the most verbose any
 * legacy session asked for (each client's view is then filtered by {@link #wantsLog}). A 2026-07-28 client's
 * level travels with each of its requests instead.
 *
 * <p>Concurrency: the upstream level is applied by one drain loop on a virtual thread, never under a lock and
 * never on the thread of whoever changed it: a client leaving (every stateless HTTP request does) only counts a
 * change and goes on, so an upstream that hangs on {@code logging/setLevel} delays nothing but the next apply.
 * {@code logging/setLevel} itself waits, within its deadline, for the pass that includes its change.
 */
final class LogLevels {
    private final SessionDirectory sessions;
    private final UpstreamSet upstreams;
    private final Forwarder forwarder;
    /** Changes counted so far; a pass applies every change counted before it started. */
    private final AtomicLong changes = new AtomicLong();
    /** Work-in-progress count of the drain loop: zero when no loop runs. */
    private final AtomicInteger pending = new AtomicInteger();
    private final Object passes = new Object();
    /** The highest change a finished pass applied. */
    @GuardedBy("passes")
    private long applied;
    /** The level last sent upstream; touched by the drain loop only, one pass at a time. */
    private @Nullable LogLevel appliedLevel;

    LogLevels(SessionDirectory sessions, UpstreamSet upstreams, Forwarder forwarder) {
        this.sessions = sessions;
        this.upstreams = upstreams;
        this.forwarder = forwarder;
    }

    /** {@code logging/setLevel} from a legacy session: its own threshold, and the upstreams' level if it drops. */
    ObjectNode setLevel(ClientSession client, ObjectNode params, long deadlineNanos) {
        LogLevel level = LogLevel.parse(Targets.requireString(params, "level", "logging/setLevel"));
        if (level == null) {
            throw new GatewayException(ErrorCode.INVALID_PARAMS, "Unknown log level '" + params.path("level").asString()
                    + "' (debug, info, notice, warning, error, critical, alert, emergency)");
        }
        client.setLogLevel(level.wire());
        awaitApplied(changed(), deadlineNanos);
        return JsonNodeFactory.instance.objectNode();
    }

    /** A client left: the shared level may rise; applied in the background. */
    void clientGone() {
        changed();
    }

    /** An upstream (re)started: it gets the current shared level. */
    void replay(Upstream upstream) {
        LogLevel level = mostVerboseLevel();
        if (level != null && upstream.info().map(i -> i.has("logging")).orElse(false)) {
            forwarder.callQuietly(upstream, "logging/setLevel", JsonNodeFactory.instance.objectNode().put("level", level.wire()));
        }
    }

    private long changed() {
        long ticket = changes.incrementAndGet();
        if (pending.getAndIncrement() == 0) {
            Thread.ofVirtual().name("gatekit-log-level").start(this::drain);
        }
        return ticket;
    }

    private void drain() {
        int missed = 1;
        do {
            long upTo = changes.get();
            applyOnce();
            synchronized (passes) {
                applied = Math.max(applied, upTo);
                passes.notifyAll();
            }
            missed = pending.addAndGet(-missed);
        } while (missed != 0);
    }

    /** Sends the shared level upstream if it changed; only a change is sent, so clients coming and going cost nothing. */
    private void applyOnce() {
        LogLevel level = mostVerboseLevel();
        if (level == null || level == appliedLevel) {
            return;
        }
        appliedLevel = level;
        for (Upstream upstream : upstreams.all()) {
            if (upstream.state() == Upstream.State.READY && upstream.info().map(i -> i.has("logging")).orElse(false)) {
                forwarder.callQuietly(upstream, "logging/setLevel", JsonNodeFactory.instance.objectNode().put("level", level.wire()));
            }
        }
    }

    private void awaitApplied(long ticket, long deadlineNanos) {
        synchronized (passes) {
            while (applied < ticket) {
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    return; // the level is applied later; the client's own threshold already holds
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(passes, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The most verbose level a legacy session set; a 2026-07-28 client's level travels with each request instead. */
    private @Nullable LogLevel mostVerboseLevel() {
        LogLevel min = null;
        for (ClientSession client : sessions.all()) {
            LogLevel level = client.info().isModern() ? null : LogLevel.parse(client.logLevel());
            if (level != null && (min == null || level.compareTo(min) < 0)) {
                min = level;
            }
        }
        return min;
    }

    /**
     * True when a {@code notifications/message} at {@code level} passes the client's own threshold. A legacy
     * client that set none hears everything; a 2026-07-28 client hears nothing unless its request named a level.
     */
    static boolean wantsLog(ClientSession client, @Nullable String level) {
        LogLevel threshold = LogLevel.parse(client.logLevel());
        if (threshold == null) {
            return !client.info().isModern();
        }
        LogLevel actual = LogLevel.parse(level);
        return actual == null || actual.compareTo(threshold) >= 0;
    }
}
