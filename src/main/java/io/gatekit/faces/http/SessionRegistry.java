package io.gatekit.faces.http;

import io.gatekit.Gateway;
import io.gatekit.session.Principal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face's sessions by {@code Mcp-Session-Id}: mints ids (128 random bits, URL-safe base64, visible
 * ASCII), enforces the cap, and ends sessions idle past their TTL. Ending a session closes its client in the
 * gateway, which cancels its requests in flight, upstream too.
 *
 * <p>Concurrency: sessions are a concurrent map. The cap is an atomic reservation taken before a session is made
 * and returned when it ends, so concurrent creates never exceed it; an end removes with {@code remove(id,
 * session)}, so a session ends once however many threads (DELETE, the idle reaper thread, shutdown) try.
 */
final class SessionRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

    private final Map<String, HttpSession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger reserved = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private final int maxSessions;
    private final Duration idleTimeout;
    private final Thread reaper;
    private volatile boolean closed;

    /** The cap is reached; no session was created. */
    static final class FullException extends Exception {
        private final String message;

        FullException(int max) {
            this("The gateway has reached its limit of " + max + " concurrent sessions (proxy.http.max_sessions);"
                    + " end an unused session (DELETE) or retry later");
        }

        private FullException(String message) {
            super(message);
            this.message = message;
        }

        /** Never null: it is the error message the client gets. */
        @Override
        public String getMessage() {
            return message;
        }
    }

    SessionRegistry(int maxSessions, Duration idleTimeout) {
        this.maxSessions = maxSessions;
        this.idleTimeout = idleTimeout;
        long sweepMillis = Math.clamp(idleTimeout.toMillis() / 4, 50, 5_000);
        this.reaper = Thread.ofVirtual().name("gatekit-http-session-reaper").start(() -> reap(sweepMillis));
    }

    /** The cap on sessions ({@code proxy.http.max_sessions}). */
    int maxSessions() {
        return maxSessions;
    }

    /** A new session of {@code owner} whose gateway client {@code open} creates; throws when the cap is reached. */
    HttpSession create(Principal owner, java.util.function.Function<HttpSession, Gateway.ClientEndpoint> open)
            throws FullException {
        if (reserved.incrementAndGet() > maxSessions) {
            reserved.decrementAndGet();
            throw new FullException(maxSessions);
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        HttpSession session = new HttpSession(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), owner);
        sessions.put(session.id(), session);
        session.attach(open.apply(session));
        return session;
    }

    /** The live session {@code id} names, if {@code caller} owns it; null otherwise. */
    @Nullable HttpSession find(String id, Principal caller) {
        HttpSession session = sessions.get(id);
        if (session == null || session.isEnded()) {
            return null;
        }
        if (!session.owner().sameCaller(caller)) {
            // Someone holds another caller's session id: worth an operator's attention, never the caller's answer.
            log.warn("session {}...: refused to {} (not its owner)", id.substring(0, Math.min(6, id.length())),
                    caller.isAnonymous() ? "an anonymous caller" : caller.subject());
            return null;
        }
        return session;
    }

    int size() {
        return sessions.size();
    }

    /** Ends a session: later requests naming it get 404. Idempotent. */
    void end(HttpSession session, String why) {
        if (sessions.remove(session.id(), session)) {
            reserved.decrementAndGet();
            log.debug("session {} ended: {}", session.id(), why);
            session.end();
            Gateway.ClientEndpoint endpoint = session.endpoint();
            if (endpoint != null) {
                endpoint.handler().onClosed(null);
            }
        }
    }

    private void reap(long sweepMillis) {
        while (!closed) {
            try {
                Thread.sleep(sweepMillis);
            } catch (InterruptedException e) {
                return;
            }
            for (HttpSession session : List.copyOf(sessions.values())) {
                if (session.idleFor(idleTimeout)) {
                    end(session, "idle for " + idleTimeout.toSeconds() + " s");
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        reaper.interrupt();
        for (HttpSession session : List.copyOf(sessions.values())) {
            end(session, "the HTTP face stopped");
        }
    }
}
