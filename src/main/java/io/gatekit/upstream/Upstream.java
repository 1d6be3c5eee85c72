package io.gatekit.upstream;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.gatekit.config.FleetConfig;
import io.gatekit.config.SessionMode;
import io.gatekit.config.UpstreamConfig;
import io.gatekit.config.UpstreamTransport;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One configured upstream server: what the rest of the gateway calls, whatever number of processes serve it. Its
 * processes are {@link Replica}s: {@code replicas} shared ones (one by default), each call going to the least loaded,
 * and, in {@code session_mode: per_client} (or {@code auto} once the upstream has asked a client something), a
 * session of its own for each client, leased from {@link ClientSessions} (ADR 0023). Calls made while it is down
 * fail at once with a clear error rather than queueing. Thread-safe.
 *
 * <p>The default (one shared replica) stays on the fast path: a call goes straight to that replica, and what it
 * sends on its own reaches the listener untouched. With more processes, {@link ReplicaEvents} tags each server
 * request's id with its replica so that {@link #reply} finds the process that asked.
 *
 * <p>Concurrency: the replicas and the fleet shape are fixed for the upstream's life (a reload that changes them
 * replaces the upstream). The config and settings are immutable records in volatile fields, replaced by a hot
 * reload ({@link #adopt}, {@link #reconfigure}) and read by each replica at each (re)start. {@code leasing} is
 * volatile and only ever turns on. The state the listener last heard is guarded by {@code stateLock}, so that
 * replicas changing at once report the upstream's combined state in order. The log level is volatile.
 */
public final class Upstream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Upstream.class);
    private static final Pattern TAGGED_ID = Pattern.compile("(\\d+):(.+)", Pattern.DOTALL);

    /**
     * Calls that set state the gateway shares among clients (a resource subscription is reference-counted across
     * them, ADR 0023): they go to the shared replicas even for a client with a session of its own.
     */
    private static final java.util.Set<String> SHARED_STATE_METHODS = java.util.Set.of("resources/subscribe",
            "resources/unsubscribe");

    /** Lifecycle of an upstream as the health view reports it. */
    public enum State { STARTING, READY, BACKOFF, FAILED, STOPPED }

    private volatile UpstreamConfig config;
    private volatile Settings settings;
    private final FleetConfig fleet;
    private final UpstreamListener listener;
    private final Replica[] shared;
    /** The per-client sessions; null in shared mode. */
    private final @Nullable ClientSessions sessions;
    private final AtomicInteger serials = new AtomicInteger();
    /** Rotates where the least-loaded search starts, so that ties spread. */
    private final AtomicInteger spread = new AtomicInteger();
    private volatile boolean leasing;
    private final AtomicBoolean started = new AtomicBoolean();
    private final Object stateLock = new Object();
    @GuardedBy("stateLock")
    private State reported = State.STARTING;
    /** The gateway's last {@code logging/setLevel} params, given to every process that starts after it. */
    private volatile @Nullable JsonNode logLevel;

    /**
     * Process-independent settings shared by every upstream of a gateway.
     *
     * @param processes the gateway-wide cap on upstream processes
     */
    public record Settings(JsonRpcCodec codec, int maxMessageBytes, Duration connectTimeout, Duration requestTimeout,
            Duration shutdownGrace, ObjectNode clientCapabilities, ObjectNode clientInfo, ProcessBudget processes) {

        /** The same with a hot reload's timeouts. */
        public Settings withTimeouts(Duration connect, Duration request) {
            return new Settings(codec, maxMessageBytes, connect, request, shutdownGrace, clientCapabilities, clientInfo,
                    processes);
        }
    }

    public Upstream(UpstreamConfig config, Settings settings, UpstreamListener listener) {
        this.config = config;
        this.settings = settings;
        this.listener = listener;
        this.fleet = config.fleet();
        boolean single = fleet.replicas() == 1 && !fleet.mayLeaseSessions();
        this.shared = new Replica[fleet.replicas()];
        for (int i = 0; i < shared.length; i++) {
            int serial = serials.getAndIncrement();
            shared[i] = new Replica(this, serial, single ? name() : name() + "#" + (i + 1), null,
                    single ? listener : new ReplicaEvents(listener, this, serial, null));
        }
        this.sessions = fleet.mayLeaseSessions()
                ? new ClientSessions(name(), fleet, settings.processes(), this::newSession) : null;
        this.leasing = fleet.sessionMode() == SessionMode.PER_CLIENT;
    }

    private Replica newSession(Object client, CallOrigin owner) {
        int serial = serials.getAndIncrement();
        return new Replica(this, serial, name() + "@" + serial, client, new ReplicaEvents(listener, this, serial, owner));
    }

    public String name() {
        return config.name();
    }

    /**
     * Takes {@code wanted}, this upstream's config after a hot reload, if it changes only what applies without a
     * restart: its admission limits (enforced by the gateway's admission: queue bound, per-tool ceilings, rate limit,
     * and {@code max_in_flight}, except that an HTTP upstream's connection pool is sized from the latter, so a change
     * of it restarts an HTTP upstream). False: the caller replaces this upstream.
     */
    public boolean adopt(UpstreamConfig wanted) {
        UpstreamConfig running = config;
        if (!running.name().equals(wanted.name()) || !running.withLimits(wanted.limits()).equals(wanted)
                || (running.maxInFlight() != wanted.maxInFlight() && running.transport() != UpstreamTransport.STDIO)) {
            return false;
        }
        config = wanted;
        return true;
    }

    /** The gateway-wide settings (hot reload: timeouts) for this upstream's next start or restart. */
    public void reconfigure(Settings next) {
        settings = next;
    }

    public UpstreamConfig config() {
        return config;
    }

    Settings settings() {
        return settings;
    }

    JsonRpcCodec codec() {
        return settings.codec();
    }

    /** READY while any shared replica is; otherwise the most hopeful state among them. */
    public State state() {
        if (shared.length == 1) {
            return shared[0].state();
        }
        State best = State.STOPPED;
        for (Replica replica : shared) {
            State state = replica.state();
            if (hope(state) < hope(best)) {
                best = state;
            }
        }
        return best;
    }

    /** The order in which a replica's state speaks for the upstream: one ready replica makes the upstream ready. */
    private static int hope(State state) {
        return switch (state) {
            case READY -> 0;
            case STARTING -> 1;
            case BACKOFF -> 2;
            case FAILED -> 3;
            case STOPPED -> 4;
        };
    }

    public Optional<String> lastError() {
        return Stream.of(shared).max(Comparator.comparing(Replica::lastChange)).flatMap(Replica::lastError);
    }

    public int restarts() {
        int sum = 0;
        for (Replica replica : shared) {
            sum += replica.restarts();
        }
        return sum;
    }

    public Instant lastChange() {
        return Stream.of(shared).map(Replica::lastChange).max(Comparator.naturalOrder()).orElseThrow();
    }

    /** Whether the upstream is spoken to in the modern era (stateless; it answers input requests with MRTR). */
    public boolean isModern() {
        InitializeResult declared = declared(); // asked several times per call: no Optional here
        return declared != null && declared.isModern();
    }

    /** What the running upstream declared at initialize; empty until it has started once. */
    public Optional<InitializeResult> info() {
        return Optional.ofNullable(declared());
    }

    /** What the first shared replica that has started declared, or null. */
    private @Nullable InitializeResult declared() {
        for (Replica replica : shared) {
            InitializeResult declared = replica.declared();
            if (declared != null) {
                return declared;
            }
        }
        return null;
    }

    /** Starts the shared replicas' supervisors; returns at once. Client sessions start on their first call. */
    public void start() {
        if (started.compareAndSet(false, true)) {
            for (Replica replica : shared) {
                settings.processes().take();
                replica.start();
            }
            if (sessions != null) {
                sessions.start();
            }
        }
    }

    /** Waits until every shared replica's first start attempt has succeeded or failed; true if all did in time. */
    public boolean awaitFirstAttempt(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Replica replica : shared) {
            if (!replica.awaitFirstAttempt(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sends a request upstream on behalf of {@code origin} (null for the gateway's own requests); the response
     * completes {@code outcome}. The process is the client's own session when it has to have one, else the least
     * loaded shared replica. While that process is starting, or about to restart after a running process ended,
     * waits for it until {@code deadlineNanos}; when it is down for good or keeps failing to start (backing off after
     * a failed start, failed, stopped), or a client needs a session and no cap leaves room, throws
     * {@link GatewayException} at once.
     */
    public PendingCall call(Request request, @Nullable CallOrigin origin, CompletableFuture<Response> outcome, long deadlineNanos) {
        if (origin == null && "logging/setLevel".equals(request.method()) && shared.length + sessionCount() > 1) {
            return setLevelEverywhere(request, outcome, deadlineNanos);
        }
        return replicaFor(origin, request.method()).call(request, origin, outcome, deadlineNanos);
    }

    /**
     * Whether a call of {@code method} for {@code origin} would wait for a process to start (so it must not run on a
     * reader thread).
     */
    public boolean wouldWait(@Nullable CallOrigin origin, String method) {
        ClientSessions perClient = sessions;
        Object client = perClient == null ? null : sessionKey(origin, method);
        if (perClient != null && client != null) {
            Replica session = perClient.of(client);
            return session == null || session.state() != State.READY;
        }
        return state() != State.READY;
    }

    /** The client whose own session a call of {@code method} for {@code origin} goes to; null: a shared replica. */
    private @Nullable Object sessionKey(@Nullable CallOrigin origin, String method) {
        return leasing && origin != null && !SHARED_STATE_METHODS.contains(method) ? origin.sessionKey() : null;
    }

    private Replica replicaFor(@Nullable CallOrigin origin, String method) {
        ClientSessions perClient = sessions;
        Object client = perClient == null ? null : sessionKey(origin, method);
        if (perClient != null && client != null) {
            return perClient.lease(client);
        }
        Replica[] replicas = shared;
        return replicas.length == 1 ? replicas[0] : leastLoaded(replicas);
    }

    /** The ready replica with the fewest calls in flight (ties spread in turn); a starting one when none is ready. */
    private Replica leastLoaded(Replica[] replicas) {
        int start = Math.floorMod(spread.getAndIncrement(), replicas.length);
        Replica best = null;
        int bestLoad = Integer.MAX_VALUE;
        Replica starting = null;
        for (int i = 0; i < replicas.length; i++) {
            Replica replica = replicas[(start + i) % replicas.length];
            State state = replica.state();
            if (state == State.READY) {
                int load = replica.inFlightCount();
                if (load < bestLoad) {
                    best = replica;
                    bestLoad = load;
                }
            } else if (state == State.STARTING && starting == null) {
                starting = replica;
            }
        }
        return best != null ? best : starting != null ? starting : replicas[0];
    }

    /**
     * The gateway's log level is every process's: each one gets it (the first answer answers the gateway), and each
     * process that starts later gets it too ({@link #prepare}).
     */
    private PendingCall setLevelEverywhere(Request request, CompletableFuture<Response> outcome, long deadlineNanos) {
        logLevel = request.params();
        PendingCall first = null;
        for (Replica replica : processes()) {
            if (replica.state() != State.READY) {
                continue;
            }
            try {
                PendingCall call = replica.call(request, null, first == null ? outcome : new CompletableFuture<>(), deadlineNanos);
                first = first == null ? call : first;
            } catch (GatewayException e) {
                log.debug("upstream {}: a process could not take logging/setLevel: {}", name(), e.getMessage());
            }
        }
        return first != null ? first : replicaFor(null, request.method()).call(request, null, outcome, deadlineNanos);
    }

    /** Called by a replica right after its handshake: gives a fresh process the gateway's log level. */
    void prepare(UpstreamConnection connection) {
        JsonNode level = logLevel;
        if (level != null && shared.length + sessionCount() > 1) {
            connection.call(new Request(JsonRpcIds.of(0), "logging/setLevel", level), null, new CompletableFuture<>(),
                    System.nanoTime() + settings.requestTimeout().toNanos());
        }
    }

    /** In {@code auto} mode, the upstream asked a client something: from now on each client gets its own session. */
    void askedForClientState(String method) {
        if (sessions != null && !leasing) {
            leasing = true;
            log.info("upstream {} sent {}: it keeps per-client state, so each client gets a session of its own from now on"
                    + " (session_mode: auto)", name(), method);
        }
    }

    /** Whether clients' calls now go to sessions of their own. */
    public boolean leasesClientSessions() {
        return leasing;
    }

    /** The client went away: its session, if it has one, stops with everything it spawned. */
    public void release(Object client) {
        ClientSessions perClient = sessions;
        if (perClient != null) {
            perClient.release(client);
        }
    }

    /** Stops the client sessions idle for longer than {@code session_idle_timeout} (the reaper does this too). */
    public void reapIdle(long nowNanos) {
        ClientSessions perClient = sessions;
        if (perClient != null) {
            perClient.reapIdle(nowNanos);
        }
    }

    /**
     * Hands a call in flight to another origin and future (see {@code UpstreamConnection.rebind}); null when the
     * call already ended or the connection is gone.
     */
    public @Nullable PendingCall rebind(PendingCall call, CallOrigin origin, CompletableFuture<Response> outcome, long deadlineNanos) {
        Replica holder = holderOf(call);
        return holder == null ? null : holder.rebind(call, origin, outcome, deadlineNanos);
    }

    /** Fails the calls whose deadline has passed and cancels them upstream (see {@code DeadlineSweeper}). */
    public void expireOverdue(long nowNanos, java.util.function.Function<PendingCall, GatewayException> timeout) {
        for (Replica replica : processes()) {
            replica.expireOverdue(nowNanos, timeout);
        }
    }

    /** Forgets a call that timed out or was cancelled and sends {@code notifications/cancelled} upstream. */
    public void abandon(PendingCall call, String reason) {
        Replica holder = holderOf(call);
        if (holder != null) {
            holder.abandon(call, reason);
        }
    }

    private @Nullable Replica holderOf(PendingCall call) {
        if (shared.length == 1 && sessions == null) {
            return shared[0];
        }
        for (Replica replica : processes()) {
            if (replica.holds(call)) {
                return replica;
            }
        }
        return null;
    }

    /** A notification for the server (such as {@code roots/list_changed}): every process hears it. */
    public void notify(Notification notification) {
        for (Replica replica : processes()) {
            replica.notify(notification);
        }
    }

    /** Answers a server-to-client request the upstream made, to the process that made it. */
    public void reply(Response response) {
        if (shared.length == 1 && sessions == null) {
            shared[0].reply(response);
            return;
        }
        JsonNode id = response.id();
        Matcher tagged = id != null && id.isString() ? TAGGED_ID.matcher(id.stringValue()) : null;
        if (tagged == null || !tagged.matches()) {
            log.warn("upstream {}: an answer to a server request with an id no replica gave ({}); dropped", name(),
                    JsonRpcIds.describe(id));
            return;
        }
        int serial = Integer.parseInt(tagged.group(1));
        Replica asker = serial < shared.length ? shared[serial] : sessions == null ? null : sessions.bySerial(serial);
        if (asker == null) {
            log.debug("upstream {}: the process that asked ({}) is gone; answer dropped", name(), serial);
            return;
        }
        try {
            asker.reply(response.withId(settings.codec().mapper().readTree(tagged.group(2))));
        } catch (JacksonException e) {
            log.warn("upstream {}: an answer to a server request with a malformed id; dropped", name());
        }
    }

    /** Calls in flight on every process. */
    public Collection<PendingCall> inFlight() {
        if (shared.length == 1 && sessions == null) {
            return shared[0].inFlight();
        }
        List<PendingCall> all = new ArrayList<>();
        for (Replica replica : processes()) {
            all.addAll(replica.inFlight());
        }
        return all;
    }

    /** The calls in flight on the process whose server requests carry {@code serial}. */
    Collection<PendingCall> inFlightOn(int serial) {
        Replica replica = serial < shared.length ? shared[serial] : sessions == null ? null : sessions.bySerial(serial);
        return replica == null ? List.of() : replica.inFlight();
    }

    public int inFlightCount() {
        int sum = 0;
        for (Replica replica : processes()) {
            sum += replica.inFlightCount();
        }
        return sum;
    }

    /** The pid of a running shared process (the first), for the health view and tests. */
    public Optional<Long> pid() {
        for (Replica replica : shared) {
            Optional<Long> pid = replica.pid();
            if (pid.isPresent()) {
                return pid;
            }
        }
        return Optional.empty();
    }

    /** The pids of every running process, shared replicas first, for the health view and tests. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (Replica replica : processes()) {
            replica.pid().ifPresent(pids::add);
        }
        return pids;
    }

    /** The pid of {@code client}'s own session, if it has one running. */
    public Optional<Long> sessionPid(Object client) {
        Replica session = sessions == null ? null : sessions.of(client);
        return session == null ? Optional.empty() : session.pid();
    }

    /** Client sessions now running or starting. */
    public int sessionCount() {
        ClientSessions perClient = sessions;
        return perClient == null ? 0 : perClient.count();
    }

    private List<Replica> processes() {
        ClientSessions perClient = sessions;
        if (perClient == null) {
            return List.of(shared);
        }
        List<Replica> all = new ArrayList<>(List.of(shared));
        all.addAll(perClient.all());
        return all;
    }

    GatewayException unavailable(String why) {
        return unavailable(why, lastError());
    }

    GatewayException unavailable(String why, Optional<String> lastError) {
        String detail = lastError.map(e -> "; last error: " + e).orElse("");
        return new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
                "Upstream '" + name() + "' is unavailable (" + why + ")" + detail);
    }

    /** A replica changed state: a client session that ended is forgotten; the shared ones make the upstream's state. */
    void replicaChanged(Replica replica, State previous, State next) {
        ClientSessions perClient = sessions;
        if (replica.client() != null) {
            if (perClient != null && (next == State.FAILED || next == State.STOPPED)) {
                perClient.ended(replica);
            }
            return;
        }
        if (shared.length == 1) {
            listener.onStateChange(this, previous, next);
            return;
        }
        State before;
        State now;
        synchronized (stateLock) {
            before = reported;
            now = state();
            reported = now;
        }
        if (before != now) {
            listener.onStateChange(this, before, now);
        }
    }

    /** Stops every process (stdin EOF, SIGTERM, SIGKILL to its process group and tree) and fails calls in flight. */
    @Override
    public void close() {
        ClientSessions perClient = sessions;
        if (perClient != null) {
            perClient.close();
        }
        if (shared.length == 1) {
            shared[0].close();
        } else {
            Replica.closeAll(List.of(shared));
        }
        if (started.compareAndSet(true, false)) {
            for (int i = 0; i < shared.length; i++) {
                settings.processes().give();
            }
        }
    }
}
