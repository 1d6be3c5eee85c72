package io.gatekit.observability;

import io.gatekit.chain.Exchange;
import io.gatekit.jsonrpc.JsonRpcError;
import java.util.List;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What the gateway tells its observers (metrics, tracing): a listener in the manner of OkHttp's
 * {@code EventListener}, so that protocol code knows neither Prometheus nor OpenTelemetry. Every method is called on
 * the hot path or on a thread that must not wait: implementations are fast, do no I/O and never throw.
 *
 * <p>Requests are reported by the {@link Observation} link, first in the chain: {@link #requestStarted} when a
 * request enters the chain, {@link #requestEnded} exactly once when it ends, however it ends. Upstream state, restarts
 * and process counts are not pushed: observers that need them sample the upstreams when asked (a scrape).
 */
public interface GatewayEvents {

    /** Observes nothing; the gateway then places no observation link at all. */
    GatewayEvents NONE = new GatewayEvents() {};

    /** A request entered the chain (nothing about it is resolved yet). */
    default void requestStarted(Exchange exchange) {}

    /**
     * A request ended: answered (a result or an error), cancelled, or timed out. {@link Exchange#target()} then names
     * the upstream and tool it went to, if any; {@code error} is the error the client was answered with (null for a
     * result, or when no answer went out).
     */
    default void requestEnded(Exchange exchange, Outcome outcome, @Nullable JsonRpcError error, long nanos) {}

    /** The gateway refused a request before doing its work ({@link Refusal}). */
    default void refused(Refusal reason) {}

    /** A client session opened (a stdio connection, an HTTP session, a stateless request's one-request client). */
    default void sessionOpened() {}

    /** A client session closed. */
    default void sessionClosed() {}

    /** One plugin's part in a pipeline run ({@code handler} is the plugin's handler name). */
    default void pluginRan(String handler, long nanos) {}

    /**
     * A wait queue's depth, to be sampled when observers are asked (for an admission queue that may come and go);
     * registering the same {@code name} again replaces the source.
     */
    default void queueDepthSource(String name, IntSupplier depth) {}

    /** Why the gateway refused a request; bounded, since it is a metric label. */
    enum Refusal {
        /** {@code proxy.limits.max_in_flight_per_client}. */
        CLIENT_LIMIT,
        /** The upstream's {@code max_in_flight}. */
        UPSTREAM_LIMIT,
        /** {@code proxy.http.max_sessions}. */
        SESSION_LIMIT,
        /** A wait queue was full or its wait ran out. */
        QUEUE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Every event to each of {@code observers}, in order. */
    static GatewayEvents all(List<GatewayEvents> observers) {
        List<GatewayEvents> active = observers.stream().filter(o -> o != NONE).toList();
        return switch (active.size()) {
            case 0 -> NONE;
            case 1 -> active.getFirst();
            default -> new FanOut(active.toArray(GatewayEvents[]::new));
        };
    }
}
