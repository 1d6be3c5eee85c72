package io.gatekit.upstream;

import io.gatekit.config.UpstreamConfig;
import io.gatekit.config.UpstreamTransport;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.ProtocolVersions;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
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
 * One configured upstream server and its supervisor: spawns the process, performs the MCP handshake, serves
 * calls while it lives, and restarts it with capped exponential backoff and jitter when it dies. Calls made
 * while it is down fail at once with a clear error rather than queueing. Thread-safe.
 *
 * <p>Concurrency: one supervisor thread starts, watches and restarts the connection; request threads call it.
 * {@code state} is volatile and read without a lock, but written under {@code stateLock}, so callers waiting in
 * {@code awaitStarted} ({@code stateLock.wait}) are woken by every change. The connection, initialize result, last
 * error and stopping flag are volatile, written by the supervisor (stopping by close); {@code restarts} is atomic.
 * The config and settings are immutable records in volatile fields, replaced by a hot reload ({@link #adopt},
 * {@link #reconfigure}) and read by the supervisor at each (re)start.
 */
public final class Upstream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Upstream.class);

    private static final Duration MIN_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** Lifecycle of an upstream as the health view reports it. */
    public enum State { STARTING, READY, BACKOFF, FAILED, STOPPED }

    private volatile UpstreamConfig config;
    private volatile Settings settings;
    private final UpstreamListener listener;
    private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
    private final Object stateLock = new Object();
    private volatile @Nullable UpstreamConnection current;
    private volatile @Nullable InitializeResult info;
    private volatile State state = State.STARTING;
    /** Start attempts that failed since the upstream last ran. */
    private final AtomicInteger failedStartsInARow = new AtomicInteger();
    private volatile @Nullable String lastError;
    private volatile Instant lastChange = Instant.now();
    private final AtomicInteger restarts = new AtomicInteger();
    private volatile boolean stopping;
    private volatile @Nullable Thread supervisor;

    /** Process-independent settings shared by every upstream of a gateway. */
    public record Settings(JsonRpcCodec codec, int maxMessageBytes, Duration connectTimeout, Duration requestTimeout,
            Duration shutdownGrace, ObjectNode clientCapabilities, ObjectNode clientInfo) {

        /** The same with a hot reload's timeouts. */
        public Settings withTimeouts(Duration connect, Duration request) {
            return new Settings(codec, maxMessageBytes, connect, request, shutdownGrace, clientCapabilities, clientInfo);
        }
    }

    public Upstream(UpstreamConfig config, Settings settings, UpstreamListener listener) {
        this.config = config;
        this.settings = settings;
        this.listener = listener;
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

    JsonRpcCodec codec() {
        return settings.codec();
    }

    public State state() {
        return state;
    }

    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    public int restarts() {
        return restarts.get();
    }

    public Instant lastChange() {
        return lastChange;
    }

    /** Whether the upstream is spoken to in the modern era (stateless; it answers input requests with MRTR). */
    public boolean isModern() {
        InitializeResult current = info;
        return current != null && ProtocolVersions.MODERN_VERSIONS.contains(current.protocolVersion());
    }

    /** What the running upstream declared at initialize; empty until it has started once. */

    public Optional<InitializeResult> info() {
        return Optional.ofNullable(info);
    }

    /** Starts the supervisor thread; returns at once. */
    public void start() {
        supervisor = Thread.ofVirtual().name("gatekit-supervisor-" + name()).start(this::supervise);
    }

    /** Waits until the first start attempt has succeeded or failed; true if it ended within the timeout. */
    public boolean awaitFirstAttempt(Duration timeout) {
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

    /**
     * Sends a request upstream on behalf of {@code origin} (null for the gateway's own requests); the response
     * completes {@code outcome}. While the upstream is starting, or about to restart after a running process
     * ended, waits for it until {@code deadlineNanos}; when it is down for good or keeps failing to start (backing
     * off after a failed start, failed, stopped) throws {@link GatewayException} at once.
     */
    public PendingCall call(Request request, @Nullable CallOrigin origin, CompletableFuture<Response> outcome, long deadlineNanos) {
        awaitStarted(deadlineNanos);
        UpstreamConnection connection = current;
        if (connection == null || state != State.READY) {
            throw unavailable(state.name().toLowerCase(java.util.Locale.ROOT));
        }
        return connection.call(request, origin, outcome, deadlineNanos);
    }

    /**
     * Hands a call in flight to another origin and future (see {@code UpstreamConnection.rebind}); null when the
     * call already ended or the connection is gone.
     */
    public @Nullable PendingCall rebind(PendingCall call, CallOrigin origin, CompletableFuture<Response> outcome, long deadlineNanos) {
        UpstreamConnection connection = current;
        return connection == null ? null : connection.rebind(call, origin, outcome, deadlineNanos);
    }

    /** Fails the calls whose deadline has passed and cancels them upstream (see {@code DeadlineSweeper}). */
    public void expireOverdue(long nowNanos, java.util.function.Function<PendingCall, GatewayException> timeout) {
        UpstreamConnection connection = current;
        if (connection != null) {
            connection.expireOverdue(nowNanos, timeout);
        }
    }

    /** Forgets a call that timed out or was cancelled and sends {@code notifications/cancelled} upstream. */
    public void abandon(PendingCall call, String reason) {
        UpstreamConnection connection = current;
        if (connection != null) {
            connection.abandon(call, reason);
        }
    }

    public void notify(Notification notification) {
        UpstreamConnection connection = current;
        if (connection != null) {
            connection.notify(notification);
        }
    }

    /** Answers a server-to-client request the upstream made. */
    public void reply(Response response) {
        UpstreamConnection connection = current;
        if (connection != null) {
            connection.reply(response);
        }
    }

    /** Calls in flight on the current connection. */
    public Collection<PendingCall> inFlight() {
        UpstreamConnection connection = current;
        return connection == null ? List.of() : connection.inFlight();
    }

    public int inFlightCount() {
        UpstreamConnection connection = current;
        return connection == null ? 0 : connection.inFlightCount();
    }

    /** The pid of the running process, for the health view and tests. */
    public Optional<Long> pid() {
        UpstreamConnection connection = current;
        return connection == null ? Optional.empty() : connection.pid();
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
     * Whether a request should wait for this upstream rather than fail: it is starting, or backing off before the
     * first restart after a running process ended (a crash mid-run is answered by a restart a fraction of a second
     * later; failing every request that arrives meanwhile would turn one crash into a burst of errors). An upstream
     * whose restarts keep failing is not waited for: requests fail fast until it is up again.
     */
    private boolean worthWaitingFor() {
        return switch (state) {
            case STARTING -> true;
            case BACKOFF -> failedStartsInARow.get() == 0;
            case READY -> current == null; // its process just ended; the supervisor is about to say what follows
            case FAILED, STOPPED -> false;
        };
    }

    GatewayException unavailable(String why) {
        String detail = lastError == null ? "" : "; last error: " + lastError;
        return new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
                "Upstream '" + name() + "' is unavailable (" + why + ")" + detail);
    }

    private void supervise() {
        int attempt = 0;
        while (!stopping) {
            setState(State.STARTING);
            UpstreamConnection connection = null;
            try {
                connection = connect();
                if (stopping) {
                    connection.shutdown(settings.shutdownGrace());
                    break;
                }
                current = connection;
                attempt = 0;
                failedStartsInARow.set(0);
                setState(State.READY);
                firstAttempt.complete(null);
                InitializeResult declared = Objects.requireNonNull(info, "connect() records what the upstream declared");
                log.info("upstream {} ready ({}, protocol {}, server {})", name(),
                        connection.pid().map(pid -> "pid " + pid).orElse(config.url().map(Object::toString).orElse("")),
                        declared.protocolVersion(), declared.serverInfo().path("name").asString("?"));
                String why = connection.closed().join();
                if (stopping) {
                    break;
                }
                lastError = "process " + why;
                log.warn("upstream {} {}", name(), why);
                // The session is over but its wire may still hold things: a process group to reap, an HTTP
                // client's threads, a listen or GET stream that would otherwise reconnect on its own.
                connection.shutdown(Duration.ofMillis(200));
            } catch (GatewayException | java.io.IOException e) {
                failedStartsInARow.incrementAndGet();
                lastError = e.getMessage();
                log.warn("upstream {} failed to start: {}", name(), e.getMessage());
                if (connection != null) {
                    connection.shutdown(Duration.ofMillis(200));
                }
            } catch (RuntimeException e) {
                failedStartsInARow.incrementAndGet();
                lastError = e.toString();
                log.error("upstream {} supervisor error", name(), e);
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
            if (!config.restartOnFailure() || (config.maxRestartAttempts() > 0 && restarts.get() >= config.maxRestartAttempts())) {
                setState(State.FAILED);
                log.error("upstream {} failed and will not be restarted: {}", name(), lastError);
                return;
            }
            setState(State.BACKOFF);
            Duration delay = backoff(attempt++);
            log.info("upstream {} restarting in {} ms", name(), delay.toMillis());
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
        Settings start = settings; // one set for the whole start, whatever a reload does meanwhile
        UpstreamConnection connection = new UpstreamConnection(this, openWire(start), listener);
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
        return connection;
    }

    private UpstreamWire openWire(Settings start) throws java.io.IOException {
        if (config.transport() == UpstreamTransport.HTTP) {
            return new HttpWire(config, start.codec(), start.maxMessageBytes(), start.connectTimeout(),
                    start.connectTimeout().plus(start.requestTimeout()));
        }
        if (config.transport() == UpstreamTransport.SSE) {
            return new LegacySseWire(config, start.codec(), start.maxMessageBytes(), start.connectTimeout());
        }
        UpstreamProcess process = UpstreamProcess.spawn(config);
        return new StdioWire(name(), process, start.codec(), start.maxMessageBytes());
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
            listener.onStateChange(this, previous, next);
        }
    }

    /** Stops supervising, shuts the process down (stdin EOF, SIGTERM, SIGKILL) and fails calls in flight. */
    @Override
    public void close() {
        stopping = true;
        Thread thread = supervisor;
        UpstreamConnection connection = current;
        if (connection != null) {
            connection.shutdown(settings.shutdownGrace());
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(settings.shutdownGrace().multipliedBy(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        setState(State.STOPPED);
    }
}
