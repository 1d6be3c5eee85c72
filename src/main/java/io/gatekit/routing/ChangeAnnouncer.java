package io.gatekit.routing;

import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.session.ClientSession;
import io.gatekit.session.SessionDirectory;
import io.gatekit.upstream.Upstream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells the right parties that something changed: clients that a merged list changed (dropping the cached
 * copy first), and upstreams that use roots that a client's roots changed.
 *
 * <p>Concurrency: called from upstream reader threads, client reader threads and reload; the state is a
 * concurrent set and the thread-safe cache and directory.
 */
final class ChangeAnnouncer {
    private final SessionDirectory sessions;
    private final ListCache cache;
    private final UpstreamSet upstreams;
    private final Set<String> rootsAskers = ConcurrentHashMap.newKeySet();

    ChangeAnnouncer(SessionDirectory sessions, ListCache cache, UpstreamSet upstreams) {
        this.sessions = sessions;
        this.cache = cache;
        this.upstreams = upstreams;
    }

    /**
     * An upstream's list changed or it came or went: drop the merged list and tell the clients. Legacy clients
     * hear it unsolicited once initialized; 2026-07-28 clients only on a listen stream that asked for that list.
     */
    void listChanged(ListKind kind) {
        cache.invalidate(kind);
        if (kind == ListKind.RESOURCES) {
            cache.invalidate(ListKind.RESOURCE_TEMPLATES);
        }
        String method = switch (kind) {
            case TOOLS -> "notifications/tools/list_changed";
            case PROMPTS -> "notifications/prompts/list_changed";
            case RESOURCES, RESOURCE_TEMPLATES -> "notifications/resources/list_changed";
        };
        for (ClientSession client : sessions.all()) {
            // A legacy client hears changes once it has sent notifications/initialized: one still waiting for its
            // initialize answer (upstreams coming up meanwhile) will list after it anyway.
            boolean hears = client.info().isModern() ? client.listening().wantsListChanged(method) : client.isReady();
            if (hears) {
                client.send(new Notification(method, null));
            }
        }
    }

    /** Every merged list may have changed (config reload). */
    void allListsChanged() {
        listChanged(ListKind.TOOLS);
        listChanged(ListKind.PROMPTS);
        listChanged(ListKind.RESOURCES);
    }

    /** Remembers that an upstream uses roots, so it hears when they change. */
    void rootsAskedBy(String upstream) {
        rootsAskers.add(upstream);
    }

    /** A client's roots changed (or a client with roots arrived): tell the upstreams that ask for roots. */
    void rootsChanged() {
        for (Upstream upstream : upstreams.all()) {
            if (rootsAskers.contains(upstream.name()) && upstream.config().forwardRoots()) {
                upstream.notify(new Notification("notifications/roots/list_changed", null));
            }
        }
    }
}
