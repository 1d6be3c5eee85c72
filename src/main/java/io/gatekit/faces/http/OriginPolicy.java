package io.gatekit.faces.http;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * DNS-rebinding protection: a request must name an allowed {@code Host}, and an {@code Origin}, when it carries
 * one, must name an allowed host. Ports are ignored; {@code *} in a list allows anything.
 */
final class OriginPolicy {
    private final Set<String> hosts;
    private final Set<String> origins;

    OriginPolicy(List<String> allowedHosts, List<String> allowedOrigins, String boundHost) {
        this.hosts = normalise(allowedHosts);
        if (!hosts.contains("*") && !isWildcardBind(boundHost)) {
            hosts.add(normaliseHost(boundHost));
        }
        this.origins = normalise(allowedOrigins);
    }

    /** Null when the request may proceed, else why it is refused. */
    @Nullable String refusal(String hostHeader, String originHeader) {
        if (!hosts.contains("*")) {
            if (hostHeader == null || hostHeader.isBlank()) {
                return "Forbidden: the request has no Host header";
            }
            if (!hosts.contains(stripPort(hostHeader.trim().toLowerCase(Locale.ROOT)))) {
                return "Forbidden: Host '" + hostHeader + "' is not allowed (proxy.http.allowed_hosts)";
            }
        }
        if (originHeader != null && !origins.contains("*")) {
            String host = originHost(originHeader.trim());
            if (host == null || !origins.contains(host)) {
                return "Forbidden: Origin '" + originHeader + "' is not allowed (proxy.http.allowed_origins)";
            }
        }
        return null;
    }

    private static @Nullable String originHost(String origin) {
        try {
            String host = URI.create(origin).getHost();
            return host == null ? null : normaliseHost(host);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String stripPort(String authority) {
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end < 0 ? authority : authority.substring(0, end + 1);
        }
        int colon = authority.indexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    private static String normaliseHost(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.contains(":") && !lower.startsWith("[") ? "[" + lower + "]" : lower;
    }

    private static boolean isWildcardBind(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    private static Set<String> normalise(List<String> names) {
        return names.stream().map(OriginPolicy::normaliseHost).collect(Collectors.toCollection(java.util.HashSet::new));
    }
}
