package io.gatekit.session;

import java.util.Map;

/**
 * Who is calling, as authentication established it: a subject and the claims that policy may read. Every client
 * is {@link #ANONYMOUS} until a face authenticates it (the slot exists so that plugins, audit and policy have
 * one place to read the caller from).
 */
public record Principal(String subject, Map<String, Object> claims) {
    public static final Principal ANONYMOUS = new Principal("", Map.of());

    public Principal {
        claims = Map.copyOf(claims);
    }

    public boolean isAnonymous() {
        return subject.isEmpty();
    }
}
