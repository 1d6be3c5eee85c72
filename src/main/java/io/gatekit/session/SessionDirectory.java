package io.gatekit.session;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connected clients, by session id. In memory; a shared store comes with scale-out. Thread-safe.
 *
 * <p>Concurrency: a concurrent map; clients are added and removed from their own threads.
 */
public final class SessionDirectory {
    private final Map<String, ClientSession> sessions = new ConcurrentHashMap<>();

    public void add(ClientSession session) {
        if (sessions.putIfAbsent(session.id(), session) != null) {
            throw new IllegalStateException("duplicate session id " + session.id());
        }
    }

    public void remove(ClientSession session) {
        sessions.remove(session.id(), session);
    }

    public Collection<ClientSession> all() {
        return List.copyOf(sessions.values());
    }

    public int size() {
        return sessions.size();
    }
}
