package io.gatekit.control;

import io.gatekit.chain.Exchange;
import io.gatekit.config.TimeoutsConfig;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.upstream.PendingCall;
import io.gatekit.upstream.Upstream;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces request deadlines for every upstream call from one thread: each tick, calls past their deadline
 * fail with -32001 and their upstream gets {@code notifications/cancelled}, and requests still waiting in an
 * admission queue past theirs are refused ({@code deadline_exceeded}, -32001). One sweep over the in-flight maps
 * costs far less than a timer per request, and the forwarding path then needs no thread waiting per call.
 * Deadlines are honoured to within one tick.
 *
 * <p>This thread is the only thing that times out upstream calls on the fast path, so nothing may end it but
 * {@link #close}: a sweep that throws is logged (once per run of failures, not every tick) and the next tick
 * sweeps again; one upstream that fails does not stop the others being swept.
 *
 * <p>Concurrency: one platform thread sweeps. What it reads, each upstream's pending calls, are lock-free tables,
 * and failing a call completes its future, which is safe against the response arriving at the same moment (the
 * first completion wins). The timeouts its messages name are one immutable record in a volatile field, replaced
 * by {@link #reconfigure} (hot reload).
 */
public final class DeadlineSweeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeadlineSweeper.class);
    static final Duration TICK = Duration.ofMillis(20);

    private final Supplier<Collection<Upstream>> upstreams;
    private final AdmissionController admission;
    private volatile TimeoutsConfig timeouts;
    private final Thread thread;
    /** Whether the last sweep failed; touched by the sweeper thread only. */
    private boolean failing;

    /** @param admission whose waiting requests are refused when their deadline passes, on the same ticks */
    public DeadlineSweeper(Supplier<Collection<Upstream>> upstreams, AdmissionController admission, Duration requestTimeout,
            Duration connectTimeout) {
        this.upstreams = upstreams;
        this.admission = admission;
        this.timeouts = new TimeoutsConfig(requestTimeout, connectTimeout);
        this.thread = Thread.ofPlatform().daemon().name("gatekit-deadlines").start(this::run);
    }

    /** Names the new timeouts in the errors of calls that run out of time from now on (hot reload). */
    public void reconfigure(TimeoutsConfig next) {
        this.timeouts = next;
    }

    private void run() {
        try {
            while (true) {
                Thread.sleep(TICK);
                sweep();
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    private void sweep() {
        RuntimeException failure = null;
        try {
            long now = System.nanoTime();
            try {
                admission.expireQueued(now);
            } catch (RuntimeException e) {
                failure = e;
            }
            for (Upstream upstream : upstreams.get()) {
                try {
                    upstream.expireOverdue(now, call -> timeout(upstream, call));
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        if (failure != null && !failing) {
            log.error("deadline sweep failed; sweeping again every {} ms", TICK.toMillis(), failure);
        } else if (failure != null) {
            log.debug("deadline sweep failed again: {}", failure.toString());
        } else if (failing) {
            log.info("deadline sweep recovered");
        }
        failing = failure != null;
    }

    /** The error a caller sees when its call to {@code upstream} ran out of time. */
    public GatewayException timeout(Upstream upstream, PendingCall call) {
        TimeoutsConfig current = timeouts;
        if ("initialize".equals(call.method())) {
            return new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "initialize got no answer within "
                    + seconds(current.connection()) + " (proxy.timeouts.connection_timeout)");
        }
        // A client's request names the timeout it was given when it was read, even if a reload changed it since.
        Duration allowed = call.origin() instanceof Exchange exchange
                ? Duration.ofNanos(call.deadlineNanos() - exchange.startNanos()) : current.request();
        return timeout(upstream.name(), call.method(), allowed);
    }

    /** The timeout error for a request, also used by callers that notice the deadline themselves. */
    public static GatewayException timeout(String upstream, String method, Duration requestTimeout) {
        return new GatewayException(ErrorCode.REQUEST_TIMEOUT, "Request " + method + " to upstream '" + upstream
                + "' timed out after " + seconds(requestTimeout)
                + " (proxy.timeouts.request_timeout); the upstream was asked to cancel it");
    }

    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : String.format(java.util.Locale.ROOT, "%.3f s", millis / 1000.0);
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
