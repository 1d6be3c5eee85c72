package io.gatekit.observability;

import io.gatekit.chain.Exchange;
import io.gatekit.chain.Target;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.upstream.Upstream;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The Prometheus adapter: turns {@link GatewayEvents} into client_java metrics in a registry of this gateway's own
 * (never the process-wide default). Names follow the OpenTelemetry MCP conventions where they exist
 * ({@code mcp_server_operation_duration_seconds}, {@code mcp_server_session_duration} has no counterpart here); the rest
 * are {@code gatekit_*}. Upstream state, restarts, processes and sessions are read when scraped, not pushed.
 *
 * <p>Label cardinality is bounded: methods outside the MCP set are {@code other}, and each upstream contributes at
 * most {@link #MAX_TOOLS_PER_UPSTREAM} tool names (the rest are {@code other}), so a client inventing names cannot
 * grow the registry. Per request: a lookup of an already-resolved data point and two adder updates.
 *
 * <p>Exemplars are off: with the OpenTelemetry API on the class path client_java would look up the current span on
 * every observation, and the gateway never makes its spans current, so it would find none and pay anyway.
 */
public final class PrometheusEvents implements GatewayEvents {
    static final int MAX_TOOLS_PER_UPSTREAM = 200;
    static final String OTHER = "other";
    /** Seconds; the OpenTelemetry MCP conventions' recommended boundaries. */
    private static final double[] DURATION_BUCKETS = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300};
    private static final double[] PLUGIN_BUCKETS = {0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1};
    private static final Set<String> METHODS = Set.of("initialize", "ping", "tools/list", "tools/call", "prompts/list",
            "prompts/get", "resources/list", "resources/templates/list", "resources/read", "resources/subscribe",
            "resources/unsubscribe", "completion/complete", "logging/setLevel", "server/discover",
            "subscriptions/listen");
    private static final String NONE = "";
    private static final String TOOLS_CALL = "tools/call";
    private static final Outcome[] OUTCOMES = Outcome.values();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram duration;
    private final Histogram pluginDuration;
    private final Counter refusals;
    private final Counter sessionsOpened;
    private final LongAdder inFlight = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final Map<Key, DistributionDataPoint> durationPoints = new ConcurrentHashMap<>();
    /**
     * The data points of tool calls, the bulk of traffic, found without building a key: per upstream, per tool name
     * (at most {@link #MAX_TOOLS_PER_UPSTREAM}, then {@code other}), one per outcome, resolved on first use.
     */
    private final Map<String, Map<String, AtomicReferenceArray<DistributionDataPoint>>> callPoints =
            new ConcurrentHashMap<>();
    private final Map<String, DistributionDataPoint> pluginPoints = new ConcurrentHashMap<>();
    private final Map<String, IntSupplier> queues = new ConcurrentHashMap<>();

    private record Key(String method, String upstream, String tool, Outcome outcome) {}

    /**
     * @param upstreams the gateway's upstreams now (sampled at each scrape)
     * @param sessions the number of client sessions open now
     */
    public PrometheusEvents(Supplier<List<Upstream>> upstreams, IntSupplier sessions) {
        duration = Histogram.builder().name("mcp_server_operation_duration_seconds")
                .help("MCP requests handled by the gateway, by method, upstream, tool and outcome")
                .labelNames("mcp_method_name", "upstream", "gen_ai_tool_name", "outcome")
                .withoutExemplars().classicOnly().classicUpperBounds(DURATION_BUCKETS).register(registry);
        pluginDuration = Histogram.builder().name("gatekit_plugin_duration_seconds")
                .help("Time spent in each plugin per message").labelNames("plugin")
                .withoutExemplars().classicOnly().classicUpperBounds(PLUGIN_BUCKETS).register(registry);
        refusals = Counter.builder().name("gatekit_refusals_total").help("Requests refused for load, by reason")
                .labelNames("reason").withoutExemplars().register(registry);
        for (Refusal reason : Refusal.values()) {
            refusals.labelValues(reason.label()); // present at 0 from the start, so rates work from the first scrape
        }
        sessionsOpened = Counter.builder().name("gatekit_sessions_opened_total").help("Client sessions opened")
                .withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("gatekit_requests_in_flight").help("Requests in the chain now")
                .callback(cb -> cb.call((double) inFlight.sum())).register(registry);
        CounterWithCallback.builder().name("gatekit_requests_total").help("Requests that entered the chain")
                .callback(cb -> cb.call((double) requests.sum())).register(registry);
        GaugeWithCallback.builder().name("gatekit_sessions_active").help("Client sessions open now")
                .callback(cb -> cb.call(sessions.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("gatekit_upstream_state")
                .help("1 for each upstream's current state, 0 for the others").labelNames("upstream", "state")
                .callback(cb -> {
                    for (Upstream upstream : upstreams.get()) {
                        Upstream.State now = upstream.state();
                        for (Upstream.State state : Upstream.State.values()) {
                            cb.call(state == now ? 1 : 0, upstream.name(), state.name().toLowerCase(java.util.Locale.ROOT));
                        }
                    }
                }).register(registry);
        CounterWithCallback.builder().name("gatekit_upstream_restarts_total").help("Upstream restarts")
                .labelNames("upstream")
                .callback(cb -> upstreams.get().forEach(u -> cb.call(u.restarts(), u.name()))).register(registry);
        GaugeWithCallback.builder().name("gatekit_upstream_processes")
                .help("Processes of each stdio upstream running now (shared replicas and client sessions)")
                .labelNames("upstream")
                .callback(cb -> upstreams.get().forEach(u -> cb.call(u.pids().size(), u.name()))).register(registry);
        GaugeWithCallback.builder().name("gatekit_upstream_client_sessions")
                .help("Per-client sessions of each upstream (session_mode per_client or auto), starting or running")
                .labelNames("upstream")
                .callback(cb -> upstreams.get().forEach(u -> cb.call(u.sessionCount(), u.name()))).register(registry);
        GaugeWithCallback.builder().name("gatekit_upstream_in_flight").help("Requests in flight to each upstream")
                .labelNames("upstream")
                .callback(cb -> upstreams.get().forEach(u -> cb.call(u.inFlightCount(), u.name()))).register(registry);
        GaugeWithCallback.builder().name("gatekit_queue_depth").help("Requests waiting in each wait queue")
                .labelNames("queue")
                .callback(cb -> queues.forEach((name, depth) -> cb.call(depth.getAsInt(), name))).register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Requests that entered the chain so far (for the status file's rate). */
    public long requestCount() {
        return requests.sum();
    }

    /** Requests in the chain now. */
    public long inFlight() {
        return inFlight.sum();
    }

    @Override
    public void requestStarted(Exchange exchange) {
        requests.increment();
        inFlight.increment();
    }

    @Override
    public void requestEnded(Exchange exchange, Outcome outcome, @Nullable JsonRpcError error, long nanos) {
        inFlight.decrement();
        Target target = exchange.target();
        String method = exchange.method();
        DistributionDataPoint point;
        if (target != null && method.equals(TOOLS_CALL)) {
            point = callPoint(target.upstream().name(), target.name(), outcome);
        } else {
            String label = METHODS.contains(method) ? method : OTHER;
            String upstream = target == null ? NONE : target.upstream().name();
            point = durationPoints.computeIfAbsent(new Key(label, upstream, NONE, outcome),
                    k -> duration.labelValues(k.method(), k.upstream(), k.tool(), k.outcome().label()));
        }
        point.observe(nanos / 1e9);
    }

    /** A tool call's data point: the tool's own while its upstream has fewer tools than the cap, {@code other} after. */
    @SuppressWarnings("EnumOrdinal") // an index into this process's own arrays, never stored or sent
    private DistributionDataPoint callPoint(String upstream, String tool, Outcome outcome) {
        Map<String, AtomicReferenceArray<DistributionDataPoint>> tools =
                callPoints.computeIfAbsent(upstream, u -> new ConcurrentHashMap<>());
        AtomicReferenceArray<DistributionDataPoint> points = tools.get(tool);
        String label = tool;
        if (points == null) {
            // Past the cap, a tool shares "other"; the size is read without a lock, so the cap may be passed by a
            // few names when several arrive at once (still bounded by the number of threads).
            label = tools.size() < MAX_TOOLS_PER_UPSTREAM ? tool : OTHER;
            points = tools.computeIfAbsent(label, t -> new AtomicReferenceArray<>(OUTCOMES.length));
        }
        DistributionDataPoint point = points.get(outcome.ordinal());
        if (point == null) {
            // labelValues returns the one data point of these labels, so two threads racing here store the same one.
            point = duration.labelValues(TOOLS_CALL, upstream, label, outcome.label());
            points.set(outcome.ordinal(), point);
        }
        return point;
    }

    @Override
    public void refused(Refusal reason) {
        refusals.labelValues(reason.label()).inc();
    }

    @Override
    public void sessionOpened() {
        sessionsOpened.inc();
    }

    @Override
    public void pluginRan(String handler, long nanos) {
        pluginPoints.computeIfAbsent(handler, pluginDuration::labelValues).observe(nanos / 1e9);
    }

    @Override
    public void queueDepthSource(String name, IntSupplier depth) {
        queues.put(name, depth);
    }
}
