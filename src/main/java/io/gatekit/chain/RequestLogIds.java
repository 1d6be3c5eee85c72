package io.gatekit.chain;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;

/**
 * Puts a request's ids into the logging MDC ({@code session_id}, {@code request_id}, {@code method}) while the chain
 * runs a step of it, so that every line logged meanwhile (a plugin's warning, a failed forward) says which request it
 * concerns; JSON logs carry the MDC. Off (nothing done) unless switched on: text logs do not show the MDC, and the hot
 * path should not pay for what nobody reads.
 *
 * <p>Concurrency: {@link #enabled} is set at start and on a hot reload, and read by every request thread; the MDC is
 * per thread. A step can run another request's step on the same thread (a released slot resumes the next waiting
 * request), so each step restores what it found.
 */
public final class RequestLogIds {
    static final String SESSION = "session_id";
    static final String REQUEST = "request_id";
    static final String METHOD = "method";

    private volatile boolean enabled;

    /** Whether requests' ids go into the MDC from now on. */
    public void enable(boolean on) {
        this.enabled = on;
    }

    /** Puts {@code exchange}'s ids in the MDC; returns what was there, to give to {@link #restore}, or null if off. */
    @Nullable Saved put(Exchange exchange) {
        if (!enabled) {
            return null;
        }
        Saved saved = new Saved(MDC.get(SESSION), MDC.get(REQUEST), MDC.get(METHOD));
        MDC.put(SESSION, exchange.client().id());
        JsonNode id = exchange.inFlight().clientId();
        MDC.put(REQUEST, id.isString() ? id.stringValue() : id.toString());
        MDC.put(METHOD, exchange.method());
        return saved;
    }

    /** Puts back what {@link #put} found. */
    static void restore(@Nullable Saved saved) {
        if (saved != null) {
            set(SESSION, saved.session());
            set(REQUEST, saved.request());
            set(METHOD, saved.method());
        }
    }

    private static void set(String key, @Nullable String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** The MDC values a step found. */
    record Saved(@Nullable String session, @Nullable String request, @Nullable String method) {}
}
