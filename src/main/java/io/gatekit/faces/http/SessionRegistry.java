package io.gatekit.faces.http;

import io.gatekit.Gateway;
import io.gatekit.session.Principal;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.ProtocolVersions;
import io.gatekit.scaleout.SessionSnapshot;
import io.gatekit.scaleout.SessionTokens;
import io.gatekit.scaleout.SharedState;
import io.gatekit.session.ClientInfo;
import io.gatekit.session.ClientSession;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
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
 *
 * <p>Scaled out ({@code proxy.http.scale_out}, ADR 0027), a session's id is its sealed token: an instance that
 * does not know an id opens it and continues the session from what the token carries (a local copy, reaped when
 * idle like any session); DELETE ends it on every instance. Two requests continuing the same session at once
 * race on {@code putIfAbsent}: the loser's copy is closed unused.
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
    private final @Nullable SessionTokens tokens;
    private final SharedState shared;
    private final @Nullable SharedGetStream events;
    /** Told of each session this instance starts serving (set once, at wiring, by the face's relay). */
    private volatile Consumer<HttpSession> continued = session -> {};

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
        this(maxSessions, idleTimeout, null, SharedState.LOCAL, null);
    }

    /**
     * With {@code tokens}, session ids are sealed tokens that any instance sharing the keys and {@code shared} opens;
     * with {@code events} too, the sessions' GET stream events are kept for every instance.
     */
    SessionRegistry(int maxSessions, Duration idleTimeout, @Nullable SessionTokens tokens, SharedState shared,
            @Nullable SharedGetStream events) {
        this.tokens = tokens;
        this.shared = shared;
        this.events = tokens == null ? null : events;
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
    HttpSession create(Principal owner, Function<HttpSession, Gateway.ClientEndpoint> open) throws FullException {
        reserve();
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        HttpSession session = new HttpSession(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), owner,
                false, events);
        sessions.put(session.id(), session);
        session.attach(open.apply(session));
        scatterOutgoingIds(session);
        return session;
    }

    private void reserve() throws FullException {
        if (reserved.incrementAndGet() > maxSessions) {
            reserved.decrementAndGet();
            throw new FullException(maxSessions);
        }
    }

    /** Whether ids are tokens that other instances continue (the face is scaled out). */
    boolean scaledOut() {
        return tokens != null;
    }

    /**
     * The id the client gets for a session its {@code initialize} is creating: scaled out, the session sealed
     * into a token (the version negotiated as {@code initialize} will, the declared capabilities and client info,
     * who is calling), under which the session is then kept; else its random id.
     */
    String seal(HttpSession session, JsonRpcMessage.Request initialize) {
        SessionTokens sealer = tokens;
        if (sealer == null) {
            return session.id();
        }
        ClientSession client = session.attached().session();
        JsonNode params = initialize.params() == null ? JsonNodeFactory.instance.objectNode() : initialize.params();
        JsonNode requested = params.get("protocolVersion");
        ClientInfo info = new ClientInfo(
                ProtocolVersions.negotiateLegacy(requested != null && requested.isString() ? requested.stringValue() : null),
                params.get("capabilities") instanceof ObjectNode capabilities ? capabilities : JsonNodeFactory.instance.objectNode(),
                params.get("clientInfo") instanceof ObjectNode clientInfo ? clientInfo : JsonNodeFactory.instance.objectNode());
        String token = sealer.seal(new SessionSnapshot(client.principal(), info, client.logLevel(), Instant.now()));
        String local = session.id();
        session.rename(token);
        sessions.put(token, session);
        sessions.remove(local, session);
        return token;
    }

    /**
     * The live session the id names, or null. Scaled out, an id this instance does not serve is opened as a
     * token and, unless it is forged, expired or ended everywhere, the session continues here ({@code open} makes
     * its gateway client). Throws when the cap is reached.
     */
    @Nullable HttpSession find(@Nullable String id, Principal caller, Function<HttpSession, Gateway.ClientEndpoint> open)
            throws FullException {
        if (id == null) {
            return null;
        }
        HttpSession session = sessions.get(id);
        if (session == null && tokens != null) {
            session = continueHere(id, tokens, caller, open);
        }
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

    private @Nullable HttpSession continueHere(String token, SessionTokens opener, Principal caller,
            Function<HttpSession, Gateway.ClientEndpoint> open) throws FullException {
        Optional<SessionSnapshot> snapshot = opener.open(token);
        if (snapshot.isEmpty() || closed || shared.isEnded(token) || !snapshot.get().principal().sameCaller(caller)) {
            return null; // another caller's token is refused like a forged one, and continues nowhere
        }
        reserve();
        HttpSession session = new HttpSession(token, snapshot.get().principal(), false, events);
        HttpSession raced = sessions.putIfAbsent(token, session);
        if (raced != null) {
            reserved.decrementAndGet();
            return raced.isEnded() ? null : raced;
        }
        Gateway.ClientEndpoint endpoint = open.apply(session);
        session.attach(endpoint);
        ClientSession client = endpoint.session();
        SessionSnapshot known = snapshot.get();
        client.initialized(known.info());
        client.authenticated(known.principal());
        client.setLogLevel(shared.logLevel(token).orElse(known.logLevel()));
        scatterOutgoingIds(session);
        // The handshake finished where the session began: this copy may send server-to-client requests at once.
        client.markReady();
        log.debug("session continued on this instance ({} for {})", client, known.info().name());
        continued.accept(session);
        return session;
    }

    /** Tells {@code listener} of each session continued here from its token (after it is ready). */
    void onContinued(Consumer<HttpSession> listener) {
        this.continued = listener;
    }

    /** Scaled out, each instance's copy numbers its server-to-client requests from its own random point. */
    private void scatterOutgoingIds(HttpSession session) {
        if (tokens != null) {
            session.attached().session().numberOutgoingFrom(1 + (random.nextLong() >>> 12));
        }
    }

    /** The live session this instance serves under {@code id}, without continuing one; null if none. */
    @Nullable HttpSession local(String id) {
        HttpSession session = sessions.get(id);
        return session == null || session.isEnded() ? null : session;
    }

    /** Ends a session on every instance (DELETE): its id is refused everywhere from now on. */
    void endEverywhere(HttpSession session, String why) {
        if (tokens != null) {
            shared.end(session.id());
        }
        end(session, why);
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
