package io.gatekit.control;

import io.gatekit.chain.Decision;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;
import java.time.Duration;

/**
 * The link that gives each request its deadline ({@code proxy.timeouts.request_timeout} from when it was read).
 * Everything after it that waits, waits until then; upstream calls past it are failed with -32001 and cancelled
 * upstream by the {@link DeadlineSweeper}. A request's deadline is fixed when it is read: a hot reload's new
 * timeout applies to the requests read after it.
 *
 * <p>Concurrency: the timeout is a volatile field, read once per request, written by {@link #reconfigure}.
 */
public final class Deadlines implements Link {
    private volatile long timeoutNanos;

    public Deadlines(Duration requestTimeout) {
        this.timeoutNanos = requestTimeout.toNanos();
    }

    /** Changes {@code request_timeout} for the requests read from now on (hot reload). */
    public void reconfigure(Duration requestTimeout) {
        this.timeoutNanos = requestTimeout.toNanos();
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        exchange.deadlineNanos(exchange.startNanos() + timeoutNanos);
        return Decision.proceed();
    }
}
