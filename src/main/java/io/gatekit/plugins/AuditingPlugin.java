package io.gatekit.plugins;

/**
 * A plugin that records what happened to each message after the filters decided: the request, its response (with
 * its duration), notifications. It cannot change anything. {@link #record} runs on the request's own path and must
 * not block: a plugin that writes files or sends records elsewhere hands them to a bounded background writer
 * ({@code audit.AuditWriter}).
 */
public non-sealed interface AuditingPlugin extends Plugin {

    void record(AuditEvent event);

    /** Auditors read bodies only when they log them; the default says they do, to be safe. */
    @Override
    default boolean readsBodies(String method) {
        return true;
    }
}
