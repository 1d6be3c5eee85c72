package io.gatekit.upstream;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.gatekit.config.FleetConfig;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The per-client sessions of one upstream (ADR 0023): a process leased to each client that calls it, within the
 * upstream's {@code max_processes} and the gateway's {@code max_upstream_processes}, and stopped when its client goes
 * away, when it has been idle for {@code session_idle_timeout}, or when it dies (it is not restarted: the client's
 * next call leases a new one). Over a cap a client that needs a session is refused at once with -32004
 * {@code process_limit}; it is not queued, since sessions end on the scale of minutes, not of a request's deadline.
 *
 * <p>Concurrency: request threads look sessions up without a lock; creating and forgetting one happen under {@code
 * lock}, so two first calls of one client start one process and the caps are checked against a stable count. A
 * reaper thread (virtual) stops idle sessions; stopping runs outside the lock.
 */
final class ClientSessions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClientSessions.class);

    private final String name;
    private final FleetConfig fleet;
    private final ProcessBudget budget;
    /** Makes (does not start) the session of a client: its serial is given by the upstream. */
    private final BiFunction<Object, CallOrigin, Replica> newSession;
    private final Map<Object, Replica> byClient = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    @GuardedBy("lock")
    private boolean closed;
    @GuardedBy("lock")
    private @Nullable Thread reaper;

    ClientSessions(String name, FleetConfig fleet, ProcessBudget budget, BiFunction<Object, CallOrigin, Replica> newSession) {
        this.name = name;
        this.fleet = fleet;
        this.budget = budget;
        this.newSession = newSession;
    }

    /** Starts the reaper of idle sessions. */
    void start() {
        synchronized (lock) {
            if (reaper == null && !closed) {
                reaper = Thread.ofVirtual().name("gatekit-reaper-" + name).start(this::reapWhileOpen);
            }
        }
    }

    /** Stands for a session's client where a call origin is expected: the requester of what its process asks. */
    private record SessionOwner(Object sessionKey) implements CallOrigin {
        @Override
        public void notifyCaller(Notification notification) {
            // nothing to report: progress belongs to calls, which carry their own origin
        }

        @Override
        public boolean isGone() {
            return false;
        }
    }

    /** The session of {@code client}, started now if it has none; throws -32004 when a cap leaves no room. */
    Replica lease(Object client) {
        Replica session = byClient.get(client);
        if (session != null) {
            return session;
        }
        synchronized (lock) {
            session = byClient.get(client);
            if (session != null) {
                return session;
            }
            if (closed) {
                throw new GatewayException(ErrorCode.SHUTTING_DOWN, "Upstream '" + name + "' is stopping");
            }
            if (byClient.size() >= fleet.maxClientSessions()) {
                throw refused("its max_processes (" + fleet.maxProcesses() + ") is reached: " + fleet.replicas()
                        + " shared and " + byClient.size() + " client sessions");
            }
            if (!budget.tryTake()) {
                throw refused("the gateway's proxy.limits.max_upstream_processes (" + budget.limit() + ") is reached");
            }
            session = newSession.apply(client, new SessionOwner(client));
            byClient.put(client, session);
        }
        log.info("upstream {}: starting a session for client {} ({} of {} client sessions)", name, client,
                byClient.size(), fleet.maxClientSessions());
        session.start();
        return session;
    }

    private GatewayException refused(String why) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("reason", "process_limit");
        data.put("upstream", name);
        return new GatewayException(new JsonRpcError(ErrorCode.OVERLOADED.code(), "Upstream '" + name
                + "' cannot start a session for another client: " + why, data));
    }

    /** The session of {@code client}, if it has one. */
    @Nullable Replica of(Object client) {
        return byClient.get(client);
    }

    /** A session by its serial (the tag of its server requests). */
    @Nullable Replica bySerial(int serial) {
        for (Replica session : byClient.values()) {
            if (session.serial() == serial) {
                return session;
            }
        }
        return null;
    }

    Collection<Replica> all() {
        return byClient.values();
    }

    int count() {
        return byClient.size();
    }

    /** The client went away: its session stops, and its process with everything it spawned. */
    void release(Object client) {
        Replica session = forget(client, null);
        if (session != null) {
            log.info("upstream {}: client {} left; stopping its session", name, client);
            Thread.ofVirtual().name("gatekit-release-" + name).start(session::close);
        }
    }

    /** A session's process ended on its own (or failed to start): the client's next call leases a new one. */
    void ended(Replica session) {
        Object client = session.client();
        if (client != null) {
            forget(client, session);
        }
    }

    /** Forgets the session of {@code client} (only if it is {@code expected}, when given) and frees its slot once. */
    private @Nullable Replica forget(Object client, @Nullable Replica expected) {
        synchronized (lock) {
            Replica session = byClient.get(client);
            if (session == null || (expected != null && session != expected)) {
                return null;
            }
            byClient.remove(client);
            budget.give();
            return session;
        }
    }

    /** Stops the sessions idle since before {@code nowNanos - session_idle_timeout}. */
    void reapIdle(long nowNanos) {
        long since = nowNanos - fleet.sessionIdleTimeout().toNanos();
        List<Replica> idle = new ArrayList<>();
        for (Replica session : byClient.values()) {
            Object client = session.client();
            if (client != null && session.idleSince(since) && forget(client, session) != null) {
                idle.add(session);
            }
        }
        for (Replica session : idle) {
            log.info("upstream {}: the session of client {} was idle for {} s; stopping it", name, session.client(),
                    fleet.sessionIdleTimeout().toSeconds());
            session.close();
        }
    }

    private void reapWhileOpen() {
        Duration tick = reapTick(fleet.sessionIdleTimeout());
        try {
            while (true) {
                Thread.sleep(tick);
                try {
                    reapIdle(System.nanoTime());
                } catch (RuntimeException e) {
                    log.error("upstream {}: reaping idle sessions failed; trying again in {} ms", name, tick.toMillis(), e);
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /** A quarter of the idle timeout, between 50 ms and 5 s: a session outlives its timeout by at most that. */
    static Duration reapTick(Duration idleTimeout) {
        long quarter = idleTimeout.toMillis() / 4;
        return Duration.ofMillis(Math.clamp(quarter, 50, 5_000));
    }

    /** Stops every session (in parallel: each may take the shutdown grace) and the reaper. */
    @Override
    public void close() {
        List<Replica> sessions;
        synchronized (lock) {
            closed = true;
            sessions = List.copyOf(byClient.values());
            sessions.forEach(s -> budget.give());
            byClient.clear();
            if (reaper != null) {
                reaper.interrupt();
            }
        }
        Replica.closeAll(sessions);
    }
}
