package io.gatekit.routing;

import io.gatekit.session.ClientSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resource subscriptions, reference-counted per (upstream, uri): the upstream is subscribed when the first
 * client subscribes and unsubscribed when the last one leaves (or disconnects), and
 * {@code notifications/resources/updated} reaches only the subscribers. Thread-safe.
 *
 * <p>Concurrency: {@code subscribe}, {@code unsubscribe} and {@code dropClient} are synchronized, so the first and
 * the last subscriber of a resource are decided atomically. The map and its sets are concurrent, so {@code
 * subscribersOf} and {@code urisOf} read without the lock and see each set before or after a change.
 */
final class Subscriptions {

    /** One upstream resource, by the upstream's own URI. */
    record Key(String upstream, String uri) {}

    private final Map<Key, Set<ClientSession>> subscribers = new ConcurrentHashMap<>();

    /** Adds a subscriber; true when it is the first, so the upstream must be subscribed. */
    synchronized boolean subscribe(Key key, ClientSession client) {
        Set<ClientSession> set = subscribers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
        return set.add(client) && set.size() == 1;
    }

    /** Removes a subscriber; true when it was the last, so the upstream must be unsubscribed. */
    synchronized boolean unsubscribe(Key key, ClientSession client) {
        Set<ClientSession> set = subscribers.get(key);
        if (set == null || !set.remove(client)) {
            return false;
        }
        if (set.isEmpty()) {
            subscribers.remove(key);
            return true;
        }
        return false;
    }

    /** Forgets a departed client; returns the keys it was the last subscriber of. */
    synchronized List<Key> dropClient(ClientSession client) {
        List<Key> orphaned = new ArrayList<>();
        for (Map.Entry<Key, Set<ClientSession>> e : List.copyOf(subscribers.entrySet())) {
            if (e.getValue().remove(client) && e.getValue().isEmpty()) {
                subscribers.remove(e.getKey());
                orphaned.add(e.getKey());
            }
        }
        return orphaned;
    }

    Set<ClientSession> subscribersOf(Key key) {
        Set<ClientSession> set = subscribers.get(key);
        return set == null ? Set.of() : Set.copyOf(set);
    }

    /** Every subscribed URI of an upstream, to replay after it restarts. */
    List<String> urisOf(String upstream) {
        return subscribers.keySet().stream().filter(k -> k.upstream().equals(upstream)).map(Key::uri).toList();
    }
}
