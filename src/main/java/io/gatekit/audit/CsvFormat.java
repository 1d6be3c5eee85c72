package io.gatekit.audit;

import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.plugins.AuditEvent;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * {@code audit_csv}: one row per event, the original's columns plus {@code principal}, {@code content_hash}
 * (filled when the content was cleared) and {@code access_decision} (what the access policy decided), written in the entry's {@link CsvDialect}. Bodies are never written.
 */
final class CsvFormat implements EventFormat {
    static final List<String> COLUMNS = List.of("timestamp", "event_type", "request_id", "server_name", "method", "tool",
            "pipeline_outcome", "security_evaluated", "modified", "reason", "duration_ms", "response_status",
            "error_code", "error_message", "error_classification", "principal", "content_hash", "access_decision");

    private final CsvDialect dialect;
    private final JsonRpcCodec codec;

    CsvFormat(CsvDialect dialect, JsonRpcCodec codec) {
        this.dialect = dialect;
        this.codec = codec;
    }

    /** The file's shape: this dialect's header, and a marker row whose reason counts the dropped records. */
    static FileLayout layout(CsvDialect dialect) {
        return new FileLayout("CSV", dialect.header(COLUMNS), (time, count) -> {
            @Nullable Object[] row = new Object[COLUMNS.size()];
            row[0] = AuditRecord.timestampOf(time);
            row[1] = "AUDIT_DROPPED";
            row[COLUMNS.indexOf("reason")] = count + " records dropped: the audit queue was full";
            return dialect.row(Arrays.asList(row));
        });
    }

    @Override
    public String format(AuditEvent event) {
        AuditRecord record = AuditRecord.of(event, codec);
        return dialect.row(Arrays.asList(record.timestamp(), record.eventType(), requestId(record), record.server(),
                record.method(), record.tool(), record.pipelineOutcome(), record.securityEvaluated(), record.modified(),
                record.reason(), record.durationMs(), record.responseStatus(), record.errorCode(), record.errorMessage(),
                record.errorClass() == null ? null : record.errorClass().classification(), record.principal(),
                record.contentHash(), record.accessDecision()));
    }

    /** A numeric id stays a number (unquoted under {@code nonnumeric}); any other id is text. */
    private static @Nullable Object requestId(AuditRecord record) {
        JsonNode id = record.requestId();
        if (id != null && id.isIntegralNumber()) {
            return id.bigIntegerValue();
        }
        return record.requestIdText();
    }
}
