package io.gatekit.upstream;

import io.gatekit.config.UpstreamConfig;
import io.gatekit.config.UpstreamTransport;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.jsonrpc.ProtocolVersions;
import io.gatekit.upstream.Upstream.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One process (or HTTP session) of an upstream and its supervisor: spawns it, performs the MCP handshake, serves
 * calls while it lives. A shared replica is restarted with capped exponential backoff and jitter when it dies; a
 * client's own session is not (its state died with it), and tells its {@link Upstream} that it ended.
 *
 * <p>Concurrency: one supervisor thread starts, watches and restarts the connection; request threads call it.
 * {@code state} is volatile and read without a lock, but written under {@code stateLock}, so callers waiting in
 * {@code awaitStarted} ({@code stateLock.wait}) are woken by every change. The connection, initialize result, last
 * error, last use and stopping flag are volatile, written by the supervisor (stopping by close, last use by
 * callers); {@code restarts} is atomic.
 */
final class Replica {
    private static final Logger log = LoggerFactory.getLogger(Replica.class);

    private static final Duration MIN_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Upstream fleet;
    private final int serial;
    private final String label;
    /** The client a per-client session belongs to (its session key); null for a shared replica. */
    private final @Nullable Object client;
    private final UpstreamListener events;
    private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
    private final Object stateLock = new Object();
    private volatile @Nullable UpstreamConnection current;
    private volatile @Nullable InitializeResult info;
    private volatile State state = State.STARTING;
    /** Start attempts that failed since the process last ran. */
    private final AtomicInteger failedStartsInARow = new AtomicInteger();
    private volatile @Nullable String lastError;
    private volatile Instant lastChange = Instant.now();
    private volatile long lastUsedNanos = System.nanoTime();
    private final AtomicInteger restarts = new AtomicInteger();
    private volatile boolean stopping;
    private volatile @Nullable Thread supervisor;

    /**
     * @param serial this replica's number within its upstream (ids of its server requests are tagged with it)
     * @param label how logs and process names call it ({@code demo}, {@code demo#2})
     * @param events where what the process sends on its own goes
     */
    Replica(Upstream fleet, int serial, String label, @Nullable Object client, UpstreamListener events) {
        this.fleet = fleet;
        this.serial = serial;
        this.label = label;
        this.client = client;
        this.events = events;
    }

    int serial() {
        return serial;
    }

    @Nullable Object client() {
        return client;
    }

    State state() {
        return state;
    }

    Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    int restarts() {
        return restarts.get();
    }

    Instant lastChange() {
        return lastChange;
    }

    @Nullable InitializeResult declared() {
        return info;
    }

    /** Starts the supervisor thread; returns at once. */
    void start() {
        supervisor = Thread.ofVirtual().name("gatekit-supervisor-" + label).start(this::supervise);
    }

    /** Waits until the first start attempt has succeeded or failed; true if it ended within the timeout. */
    boolean awaitFirstAttempt(Duration timeout) {
        try {
            firstAttempt.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** See {@link Upstream#call}: waits while this replica starts, fails at once while it is down. */
    PendingCall call(Request request, @Nullable CallOrigin origin, CompletableFuture<Response> outcome, long deadlineNanos) {
        if (client != null) {
            lastUsedNanos = System.nanoTime(); // only sessions idle out: the shared fast path pays nothing for it
        }
        awaitStarted(deadlineNanos);
        UpstreamConnection connection = current;
        if (connection == null || state != State.READY) {
            throw fleet.unavailable(state.name().toLowerCase(java.util.Locale.ROOT), lastError());
        }
        return connection.call(request, origin, outcome, deadlineNanos);
    }

    /** Whether {@code call} is in flight here (calls are told apart by identity: ids repeat across replicas). */
    boolean holds(PendingCall call) {
        UpstreamConnection connection = current;
        return connection != null && connection.holds(call);
    }

    @Nullable PendingCall rebind(PendingCall call, CallOrigin origin, CompletableFuture<Response> outcome, long deadlineNanos) {
        UpstreamConnection connection = current;
        return connection == null ? null : connection.rebind(call, origin, outcome, deadlineNanos);
    }

    void expireOverdue(long nowNanos, java.util.function.Function<PendingCall, GatewayException> timeout) {
        UpstreamConnection connection = current;
        if (connection != null) {
            connection.expireOverdue(nowNanos, timeout);
        }
    }

    void abandon(PendingCall call, String reason) {
        UpstreamConnection connection = current;
        if (connection != null) {
            connection.abandon(call, reason);
        }
    }

    void notify(Notification notification) {
        UpstreamConnection connection = current;
        if (connection != null) {
            connection.notify(notification);
        }
    }

    void reply(Response response) {
        UpstreamConnection connection = current;
        if (connection != null) {
            connection.reply(response);
        }
    }

    Collection<PendingCall> inFlight() {
        UpstreamConnection connection = current;
        return connection == null ? List.of() : connection.inFlight();
    }

    int inFlightCount() {
        UpstreamConnection connection = current;
        return connection == null ? 0 : connection.inFlightCount();
    }

    Optional<Long> pid() {
        UpstreamConnection connection = current;
        return connection == null ? Optional.empty() : connection.pid();
    }

    /**
     * Whether this ready process has had nothing in flight since {@code sinceNanos}: a process still starting is in use
     * (its first call waits for it), and one seen busy counts as used now, so idleness is measured from the reaper's
     * last sight of a call, not from when the call began.
     */
    boolean idleSince(long sinceNanos) {
        if (state != State.READY || inFlightCount() > 0) {
            lastUsedNanos = System.nanoTime();
            return false;
        }
        return lastUsedNanos - sinceNanos < 0;
    }

    private void awaitStarted(long deadlineNanos) {
        synchronized (stateLock) {
            long remaining;
            while (worthWaitingFor() && (remaining = deadlineNanos - System.nanoTime()) > 0) {
                try {
                    stateLock.wait(Math.max(1, remaining / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Whether a request should wait for this process rather than fail: it is starting, or backing off before the
     * first restart after a running process ended (a crash mid-run is answered by a restart a fraction of a second
     * later; failing every request that arrives meanwhile would turn one crash into a burst of errors). A process
     * whose restarts keep failing is not waited for, nor a client's session that ended (it is not restarted).
     */
    private boolean worthWaitingFor() {
        return switch (state) {
            case STARTING -> true;
            case BACKOFF -> failedStartsInARow.get() == 0;
            case READY -> current == null && client == null; // it just ended; the supervisor is about to say what follows
            case FAILED, STOPPED -> false;
        };
    }

    private void supervise() {
        int attempt = 0;
        while (!stopping) {
            setState(State.STARTING);
            UpstreamConnection connection = null;
            try {
                connection = connect();
                if (stopping) {
                    connection.shutdown(fleet.settings().shutdownGrace());
                    break;
                }
                current = connection;
                attempt = 0;
                failedStartsInARow.set(0);
                setState(State.READY);
                firstAttempt.complete(null);
                InitializeResult declared = Objects.requireNonNull(info, "connect() records what the upstream declared");
                log.info("upstream {} ready ({}, protocol {}, server {})", label,
                        connection.pid().map(pid -> "pid " + pid).orElse(fleet.config().url().map(Object::toString).orElse("")),
                        declared.protocolVersion(), declared.serverInfo().path("name").asString("?"));
                String why = connection.closed().join();
                if (stopping) {
                    break;
                }
                lastError = "process " + why;
                log.warn("upstream {} {}", label, why);
                // The session is over but its wire may still hold things: a process group to reap, an HTTP
                // client's threads, a listen or GET stream that would otherwise reconnect on its own.
                connection.shutdown(Duration.ofMillis(200));
            } catch (GatewayException | java.io.IOException e) {
                failedStartsInARow.incrementAndGet();
                lastError = e.getMessage();
                log.warn("upstream {} failed to start: {}", label, e.getMessage());
                if (connection != null) {
                    connection.shutdown(Duration.ofMillis(200));
                }
            } catch (RuntimeException e) {
                failedStartsInARow.incrementAndGet();
                lastError = e.toString();
                log.error("upstream {} supervisor error", label, e);
                if (connection != null) {
                    connection.shutdown(Duration.ofMillis(200));
                }
            } finally {
                current = null;
            }
            firstAttempt.complete(null);
            if (stopping) {
                break;
            }
            UpstreamConfig config = fleet.config();
            if (client != null) {
                // A client's session is not restarted: what it held is gone, and its client's next call leases a new one.
                setState(State.FAILED);
                return;
            }
            if (!config.restartOnFailure() || (config.maxRestartAttempts() > 0 && restarts.get() >= config.maxRestartAttempts())) {
                setState(State.FAILED);
                log.error("upstream {} failed and will not be restarted: {}", label, lastError);
                return;
            }
            setState(State.BACKOFF);
            Duration delay = backoff(attempt++);
            log.info("upstream {} restarting in {} ms", label, delay.toMillis());
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                break;
            }
            restarts.incrementAndGet();
        }
        setState(State.STOPPED);
    }

    private UpstreamConnection connect() throws java.io.IOException {
        Upstream.Settings start = fleet.settings(); // one set for the whole start, whatever a reload does meanwhile
        UpstreamConfig config = fleet.config();
        UpstreamConnection connection = new UpstreamConnection(fleet, openWire(config, start), events);
        connection.start();
        ObjectNode params = start.codec().mapper().createObjectNode();
        params.put("protocolVersion", ProtocolVersions.LATEST_LEGACY);
        ObjectNode capabilities = start.clientCapabilities().deepCopy();
        if (!config.forwardRoots()) {
            capabilities.remove("roots");
        }
        params.set("capabilities", capabilities);
        params.set("clientInfo", start.clientInfo());
        CompletableFuture<Response> outcome = new CompletableFuture<>();
        PendingCall call = connection.call(new Request(JsonRpcIds.of(0), "initialize", params), null, outcome,
                System.nanoTime() + start.connectTimeout().toNanos());
        Response response;
        try {
            response = outcome.get(start.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            connection.abandon(call, "initialize timed out");
            connection.shutdown(Duration.ofMillis(200));
            throw new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "initialize got no answer within "
                    + start.connectTimeout().toSeconds() + " s (proxy.timeouts.connection_timeout)");
        } catch (ExecutionException e) {
            connection.shutdown(Duration.ofMillis(200));
            throw e.getCause() instanceof GatewayException g ? g
                    : new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "initialize failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connection.shutdown(Duration.ofMillis(200));
            throw new GatewayException(ErrorCode.SHUTTING_DOWN, "interrupted during initialize");
        }
        JsonRpcError refused = response.error();
        if (refused != null) {
            connection.shutdown(Duration.ofMillis(200));
            throw new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
                    "initialize was refused: " + refused.message() + " (" + refused.code() + ")");
        }
        InitializeResult result = InitializeResult.from(response.successResult());
        if (!ProtocolVersions.ALL.contains(result.protocolVersion())) {
            connection.shutdown(Duration.ofMillis(200));
            throw new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream answered with protocol version '"
                    + result.protocolVersion() + "', which Gatekit does not speak (supported: " + ProtocolVersions.ALL + ")");
        }
        info = result;
        connection.notify(new Notification("notifications/initialized", null));
        fleet.prepare(connection);
        return connection;
    }

    private UpstreamWire openWire(UpstreamConfig config, Upstream.Settings start) throws java.io.IOException {
        if (config.transport() == UpstreamTransport.HTTP) {
            return new HttpWire(config, start.codec(), start.maxMessageBytes(), start.connectTimeout(),
                    start.connectTimeout().plus(start.requestTimeout()));
        }
        if (config.transport() == UpstreamTransport.SSE) {
            return new LegacySseWire(config, start.codec(), start.maxMessageBytes(), start.connectTimeout());
        }
        UpstreamProcess process = UpstreamProcess.spawn(label, config);
        return new StdioWire(label, process, start.codec(), start.maxMessageBytes());
    }

    private static Duration backoff(int attempt) {
        long base = MIN_BACKOFF.toMillis() << Math.min(attempt, 10);
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis((long) (capped * jitter));
    }

    private void setState(State next) {
        State previous;
        synchronized (stateLock) {
            previous = state;
            state = next;
            stateLock.notifyAll();
        }
        if (previous != next) {
            lastChange = Instant.now();
            fleet.replicaChanged(this, previous, next);
        }
    }

    /** Closes {@code replicas} in parallel (each may take the shutdown grace) and returns when all are closed. */
    static void closeAll(Collection<Replica> replicas) {
        List<Thread> stopping = new java.util.ArrayList<>();
        for (Replica replica : replicas) {
            stopping.add(Thread.ofVirtual().name("gatekit-stop-" + replica.label).start(replica::close));
        }
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops supervising, shuts the process down (stdin EOF, SIGTERM, SIGKILL to its group and tree) and fails calls in flight. */
    void close() {
        stopping = true;
        Thread thread = supervisor;
        UpstreamConnection connection = current;
        Duration grace = fleet.settings().shutdownGrace();
        if (connection != null) {
            connection.shutdown(grace);
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(grace.multipliedBy(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        setState(State.STOPPED);
    }
}
