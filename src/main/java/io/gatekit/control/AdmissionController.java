package io.gatekit.control;

import io.gatekit.config.LimitsConfig;
import io.gatekit.config.RateLimitConfig;
import io.gatekit.config.UpstreamLimits;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.session.ClientSession;
import io.gatekit.session.Principal;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a request may go upstream now, later, or not at all (ADR 0018). Each upstream has an in-flight
 * ceiling ({@code max_in_flight}) with a bounded wait queue in front of it ({@code max_queued}), fair across clients
 * (optionally weighted, {@code client_weights}); single tools may have tighter ceilings ({@code max_in_flight_per_tool});
 * each client has a ceiling of its own ({@code max_in_flight_per_client}; an authenticated caller's counts across all
 * its sessions, {@link CallerLoads}); clients and upstreams may have token-bucket
 * rate limits ({@code rate_limit_per_client}, an upstream's {@code rate_limit}). A request is refused only when a
 * queue is full or a bucket is empty (-32004), or its deadline passes while it waits (-32001), each with
 * {@code data: {reason, retryAfterMs}} ({@link Refusal}) and a message naming the setting: a full gateway answers, it
 * never hangs. This is the one place where requests are admitted.
 *
 * <p>Concurrency: lock-free on the request path while no queue is in use: the gates are in a concurrent map, a
 * {@link Ceiling} admits with a {@code tryAcquire}, the per-client check reads the session's in-flight count without
 * reserving (exact when one reader thread admits a client's requests in order, as on stdio; a few may pass it when one
 * client's requests arrive on several threads at once, as on HTTP), and the settings are one immutable record in a
 * volatile field. Over a ceiling the ceiling's own monitor guards its queue. A hot reload resizes ceilings in place
 * (requests in flight stay counted), under each ceiling's monitor, off the request path; a changed rate limit gets a
 * new bucket. {@link #expireQueued} runs on the deadline sweeper's thread.
 */
public final class AdmissionController {
    /** The flow of the gateway's own calls (lists, subscriptions), which wait in the queues like a client. */
    private static final Object GATEWAY_FLOW = new Object();

    /** The client-wide settings, replaced whole on a reload. */
    private record ClientLimits(int maxInFlight, @Nullable RateLimitConfig rate, Map<String, Integer> weights) {
        static ClientLimits of(LimitsConfig limits) {
            return new ClientLimits(limits.maxInFlightPerClient(), limits.rateLimitPerClient().orElse(null),
                    limits.clientWeights());
        }
    }

    private final Map<String, UpstreamGate> upstreams = new ConcurrentHashMap<>();
    private final CallerLoads callers;
    private final RateBuckets buckets;
    private final Executor resumer;
    private volatile ClientLimits clients;

    /**
     * @param buckets where a caller's and an upstream's rate-limit buckets live (shared by the instances when
     *     scaled out); a connection's own bucket is always in process
     * @param resumer runs a queued request's rest of the chain once it is handed a slot (a virtual thread each)
     */
    public AdmissionController(LimitsConfig limits, RateBuckets buckets, Executor resumer) {
        this.clients = ClientLimits.of(limits);
        this.buckets = buckets;
        this.callers = new CallerLoads(buckets);
        this.resumer = resumer;
    }

    public AdmissionController(LimitsConfig limits, Executor resumer) {
        this(limits, RateBuckets.LOCAL, resumer);
    }

    /** With each queued request resumed on a new virtual thread. */
    public AdmissionController(LimitsConfig limits, RateBuckets buckets) {
        this(limits, buckets, task -> Thread.ofVirtual().name("gatekit-admitted").start(task));
    }

    public AdmissionController(LimitsConfig limits) {
        this(limits, RateBuckets.LOCAL);
    }

    /** Sets an upstream's limits, or changes them (hot reload) with its requests in flight and waiting kept. */
    public void configure(String upstream, UpstreamLimits limits) {
        upstreams.compute(upstream, (name, gate) -> {
            if (gate == null) {
                return new UpstreamGate(name, limits, buckets, resumer);
            }
            gate.reconfigure(limits);
            return gate;
        });
    }

    /** Changes the client-wide limits (hot reload); requests already admitted or waiting stay. */
    public void reconfigure(LimitsConfig limits) {
        this.clients = ClientLimits.of(limits);
    }

    /**
     * Admits a new request of {@code client}, just registered (so counted among its requests in flight), under its
     * ceiling and rate limit. Called on the client's reader thread, the only one that adds requests, so the count it
     * sees cannot be raced upward.
     */
    public @Nullable GatewayException admitClient(ClientSession client) {
        ClientLimits limits = clients;
        if (client.inFlightCount() > limits.maxInFlight()) {
            return new GatewayException(ErrorCode.OVERLOADED, "Too many requests in flight from this client (limit "
                    + limits.maxInFlight() + ", proxy.limits.max_in_flight_per_client); retry when some have completed");
        }
        RateLimitConfig rate = limits.rate();
        if (rate == null) {
            return null;
        }
        RateLimiter bucket = client.attachment(RateLimiter.class);
        if (bucket == null || !bucket.limit().equals(rate)) {
            bucket = new RateLimiter(rate);
            client.attach(RateLimiter.class, bucket);
        }
        long waitMs = bucket.tryTake();
        return waitMs == 0 ? null : Refusal.RATE_LIMITED.error("This client is over its rate limit ("
                + rate.describe() + ", proxy.limits.rate_limit_per_client); retry in " + waitMs + " ms, or raise it", waitMs);
    }

    /**
     * Admits a new request of an authenticated {@code caller} under the client ceiling and rate limit, counted for
     * the caller across all its sessions (issue 15: limits follow the principal, not the connection). When admitted,
     * {@code atEnd} receives what gives the place back; the exchange closes it when the request ends.
     */
    public @Nullable GatewayException admitCaller(Principal caller, Consumer<AutoCloseable> atEnd) {
        ClientLimits limits = clients;
        return callers.admit(caller, limits.maxInFlight(), limits.rate(), atEnd);
    }

    /** How many callers have requests in flight or a refilling bucket (tests). */
    int trackedCallers() {
        return callers.tracked();
    }

    /** The admission state of {@code upstream}, or null if it is not configured. */
    @Nullable UpstreamGate gate(String upstream) {
        return upstreams.get(upstream);
    }

    /** The fair-queue share of {@code client}: its {@code client_weights} entry, by the name it gave, else 1. */
    int weightOf(ClientSession client) {
        Map<String, Integer> weights = clients.weights();
        return weights.isEmpty() ? 1 : weights.getOrDefault(client.info().name(), 1);
    }

    /** The refusal for a request to an upstream this controller does not know. */
    static GatewayException unconfigured(String upstream) {
        return new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "Upstream '" + upstream + "' is not configured");
    }

    /**
     * Admits one of the gateway's own calls to {@code upstream} (no rate limit; it waits in the queue like a client's
     * request, as a flow of its own). The slot must be closed when the call ends.
     */
    public Admission admit(String upstream, long deadlineNanos) {
        UpstreamGate gate = upstreams.get(upstream);
        return gate == null ? new Admission.Rejected(unconfigured(upstream))
                : gate.ceiling.admit(GATEWAY_FLOW, 1, deadlineNanos);
    }

    /** Refuses, with {@code deadline_exceeded}, every waiting request whose deadline is at or before {@code now}. */
    public void expireQueued(long now) {
        for (UpstreamGate gate : upstreams.values()) {
            gate.expire(now);
        }
    }

    /** Requests currently admitted to {@code upstream}. */
    public int inFlight(String upstream) {
        UpstreamGate gate = upstreams.get(upstream);
        return gate == null ? 0 : gate.ceiling.inFlight();
    }

    /** Requests waiting for a slot of {@code upstream} (its own ceiling's queue and its tools'). */
    public int queued(String upstream) {
        UpstreamGate gate = upstreams.get(upstream);
        if (gate == null) {
            return 0;
        }
        int waiting = gate.ceiling.queued();
        for (Ceiling tool : gate.tools.values()) {
            waiting += tool.queued();
        }
        return waiting;
    }

    /**
     * One upstream's admission: its ceiling and queue, its tools' ceilings, its token bucket.
     *
     * <p>Concurrency: the ceiling is kept for the upstream's life (resized in place); the tool ceilings (an immutable
     * map) and the bucket are volatile, replaced by {@link #reconfigure}, which the controller's map serialises.
     */
    static final class UpstreamGate {
        private final String name;
        private final RateBuckets buckets;
        private final Executor resumer;
        final Ceiling ceiling;
        volatile Map<String, Ceiling> tools = Map.of();
        private volatile @Nullable RateLimiter rate;

        UpstreamGate(String name, UpstreamLimits limits, RateBuckets buckets, Executor resumer) {
            this.name = name;
            this.buckets = buckets;
            this.resumer = resumer;
            this.ceiling = new Ceiling("upstream '" + name + "'", "max_in_flight", limits.maxInFlight(), limits.maxQueued(),
                    resumer);
            reconfigure(limits);
        }

        void reconfigure(UpstreamLimits limits) {
            ceiling.resize(limits.maxInFlight(), limits.maxQueued());
            Map<String, Ceiling> current = tools;
            Map<String, Ceiling> next = new HashMap<>();
            limits.maxInFlightPerTool().forEach((tool, max) -> {
                Ceiling kept = current.get(tool);
                if (kept != null) {
                    kept.resize(max, limits.maxQueued());
                    next.put(tool, kept);
                } else {
                    next.put(tool, new Ceiling("tool '" + tool + "' of upstream '" + name + "'",
                            "max_in_flight_per_tool." + tool, max, limits.maxQueued(), resumer));
                }
            });
            tools = Map.copyOf(next);
            current.forEach((tool, dropped) -> {
                if (!next.containsKey(tool)) {
                    dropped.resize(Integer.MAX_VALUE / 2, 0); // no longer limited: whoever waits goes on
                }
            });
            RateLimiter bucket = rate;
            RateLimitConfig wanted = limits.rateLimit().orElse(null);
            if (wanted == null) {
                rate = null;
            } else if (bucket == null || !bucket.limit().equals(wanted)) {
                rate = new RateLimiter(wanted, buckets, "upstream:" + name);
            }
        }

        /** The refusal if this upstream's bucket is empty, else null (a token taken). */
        @Nullable GatewayException rateLimit() {
            RateLimiter bucket = rate;
            if (bucket == null) {
                return null;
            }
            long waitMs = bucket.tryTake();
            return waitMs == 0 ? null : Refusal.RATE_LIMITED.error("Upstream '" + name + "' is over its rate limit ("
                    + bucket.limit().describe() + ", its rate_limit); retry in " + waitMs + " ms, or raise it", waitMs);
        }

        /** The ceiling of {@code tool}, or null when it has none of its own. */
        @Nullable Ceiling toolCeiling(String tool) {
            return tools.get(tool);
        }

        void expire(long now) {
            for (Ceiling tool : tools.values()) {
                tool.expire(now);
            }
            ceiling.expire(now);
        }
    }
}
