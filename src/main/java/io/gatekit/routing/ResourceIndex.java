package io.gatekit.routing;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which upstream serves which resource URI, learned from the aggregated resource lists (URIs are passed
 * through unchanged for now). Thread-safe.
 *
 * <p>Concurrency: two concurrent maps, written by list builds and read by request threads; every update is a single
 * put, so no lock is needed.
 */
final class ResourceIndex {
    private final Map<String, String> byUri = new ConcurrentHashMap<>();
    private final Map<String, String> byTemplatePrefix = new ConcurrentHashMap<>();

    void recordResource(String uri, String upstream) {
        byUri.put(uri, upstream);
    }

    void recordTemplate(String uriTemplate, String upstream) {
        int brace = uriTemplate.indexOf('{');
        byTemplatePrefix.put(brace < 0 ? uriTemplate : uriTemplate.substring(0, brace), upstream);
    }

    /** The upstream for {@code uri}: an exact match first, then the longest matching template prefix. */
    Optional<String> upstreamFor(String uri) {
        String exact = byUri.get(uri);
        if (exact != null) {
            return Optional.of(exact);
        }
        String best = null;
        int bestLength = -1;
        for (Map.Entry<String, String> e : byTemplatePrefix.entrySet()) {
            if (uri.startsWith(e.getKey()) && e.getKey().length() > bestLength) {
                best = e.getValue();
                bestLength = e.getKey().length();
            }
        }
        return Optional.ofNullable(best);
    }
}
