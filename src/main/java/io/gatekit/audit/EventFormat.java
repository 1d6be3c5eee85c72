package io.gatekit.audit;

import io.gatekit.plugins.AuditEvent;
import org.jspecify.annotations.Nullable;

/**
 * Turns one audit event into one record of an audit file: a line without its line break. Called only on the
 * {@link AuditWriter}'s thread, one event at a time, so an implementation may keep state without locks (token
 * counting pairs requests with their responses this way).
 */
@FunctionalInterface
public interface EventFormat {

    /** The record for {@code event}, or null when this event adds no line. */
    @Nullable String format(AuditEvent event);
}
