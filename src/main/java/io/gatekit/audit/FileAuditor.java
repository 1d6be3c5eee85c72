package io.gatekit.audit;

import io.gatekit.plugins.AuditEvent;
import io.gatekit.plugins.AuditingPlugin;
import io.gatekit.plugins.SharedResources;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * One configured auditing entry that writes a file: it hands each event, with the entry's format, to the file's
 * shared {@link AuditWriter} and returns at once. Holds its lease on the writer (and, for {@code token_usage}, on
 * the state file) until the entry is retired.
 *
 * <p>It asks the gateway to read no bodies into trees ({@link #readsBodies} is false even when the entry writes
 * bodies): the formats read values still kept as raw bytes themselves, on the writer's thread, so the request
 * path does not pay for it.
 */
final class FileAuditor implements AuditingPlugin {
    private final SharedResources.Lease<AuditWriter> file;
    private final EventFormat format;
    private final @Nullable AutoCloseable companion;

    /** @param companion a resource the format uses, released after the file (so the last records reach it) */
    FileAuditor(SharedResources.Lease<AuditWriter> file, EventFormat format, @Nullable AutoCloseable companion) {
        this.file = file;
        this.format = format;
        this.companion = companion;
    }

    AuditWriter writer() {
        return file.resource();
    }

    @Override
    public void record(AuditEvent event) {
        file.resource().submit(event, format);
    }

    @Override
    public boolean readsBodies(String method) {
        return false;
    }

    @Override
    public void close() {
        file.close();
        if (companion != null) {
            try {
                companion.close();
            } catch (Exception e) {
                LoggerFactory.getLogger(FileAuditor.class).warn("closing {} failed", companion, e);
            }
        }
    }

    @Override
    public String toString() {
        return "FileAuditor[" + file.resource().file() + "]";
    }
}
