package io.gatekit.audit;

import io.gatekit.plugins.AuditEvent;
import java.nio.charset.StandardCharsets;
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

    /**
     * The record as the file's bytes, its line break included (a line break inside it is escaped), or null when
     * this event adds no line. A format that can write UTF-8 directly overrides this: the writer calls only it.
     */
    default byte @Nullable [] line(AuditEvent event) {
        String record = format(event);
        return record == null ? null : lineOf(record);
    }

    /** {@code record} as one line of the file: UTF-8, a line break inside it escaped, its own line break added. */
    static byte[] lineOf(String record) {
        String single = record.indexOf('\n') < 0 && record.indexOf('\r') < 0 ? record
                : record.replace("\r", "\\r").replace("\n", "\\n");
        return (single + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
