package io.gatekit.config;

import java.util.Map;
import java.util.Objects;

/**
 * {@code proxy.stdio.principal}: who the client of a stdio gateway is. A stdio gateway serves the one local user
 * that started it, so the file says who that is, and policy and audit see that user instead of an anonymous caller.
 *
 * @param claims what policy may read (groups, scope), as JSON values: strings, numbers, booleans, lists, maps
 */
public record StdioPrincipal(String subject, Map<String, Object> claims) {
    public StdioPrincipal {
        Objects.requireNonNull(subject, "subject");
        claims = Map.copyOf(claims);
    }
}
