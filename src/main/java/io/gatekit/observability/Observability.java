package io.gatekit.observability;

import io.gatekit.chain.Link;
import io.gatekit.upstream.Upstream;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A gateway's observers and what its operators ask of them: the events the gateway emits go to {@link #events()};
 * {@link #writeMetrics} is the Prometheus scrape, {@link #readiness()} the body of {@code /readyz}. One per gateway,
 * so two gateways in one process (tests) never share a metric.
 */
public final class Observability implements AutoCloseable {
    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

    private final Supplier<List<Upstream>> upstreams;
    private final PrometheusEvents metrics;
    private final Optional<Tracing> tracing;
    private final boolean requestMetrics;
    private final GatewayEvents events;

    /**
     * @param upstreams the gateway's upstreams now
     * @param sessions the number of client sessions open now
     * @param requestMetrics whether requests are counted and timed (the scrape-time gauges are there either way)
     * @param tracing the gateway's tracing, if on (closed with this)
     */
    public Observability(Supplier<List<Upstream>> upstreams, IntSupplier sessions, boolean requestMetrics,
            Optional<Tracing> tracing) {
        this.upstreams = upstreams;
        this.metrics = new PrometheusEvents(upstreams, sessions);
        this.tracing = tracing;
        this.requestMetrics = requestMetrics;
        this.events = GatewayEvents.all(List.of(requestMetrics ? metrics : GatewayEvents.NONE,
                tracing.map(Tracing::events).orElse(GatewayEvents.NONE)));
    }

    /** Whether anything observes requests (metrics or tracing); if not, the chain needs no observation link. */
    public boolean observesRequests() {
        return requestMetrics || tracing.isPresent();
    }

    /** The link that carries trace context upstream, when tracing is on. */
    public Optional<Link> upstreamTracing() {
        return tracing.map(Tracing::upstreamLink);
    }

    /** Exports the spans still buffered. */
    @Override
    public void close() {
        tracing.ifPresent(Tracing::close);
    }

    /** Where the gateway reports what happens. */
    public GatewayEvents events() {
        return events;
    }

    public PrometheusEvents metrics() {
        return metrics;
    }

    public String metricsContentType() {
        return TEXT.getContentType();
    }

    /** The Prometheus text exposition of every metric now. */
    public void writeMetrics(OutputStream out) throws IOException {
        TEXT.write(out, metrics.registry().scrape());
    }

    /** Whether any upstream is ready to take requests. */
    public boolean ready() {
        return upstreams.get().stream().anyMatch(u -> u.state() == Upstream.State.READY);
    }

    /** {@code {"ready": bool, "upstreams": {name: state}}}. */
    public ObjectNode readiness() {
        return readiness(true);
    }

    /** The same, with each upstream's state only when {@code detailed}: else just whether the gateway is ready. */
    public ObjectNode readiness(boolean detailed) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("ready", ready());
        if (!detailed) {
            return body;
        }
        ObjectNode states = body.putObject("upstreams");
        for (Upstream upstream : upstreams.get()) {
            states.put(upstream.name(), upstream.state().name().toLowerCase(Locale.ROOT));
        }
        return body;
    }
}
