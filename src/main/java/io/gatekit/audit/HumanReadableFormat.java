package io.gatekit.audit;

import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.plugins.AuditEvent;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code audit_human_readable}: one line per event for people watching the file, such as
 * {@code 2025-01-12 15:30:45 UTC - REQUEST: tools/call - read_file - filesystem - ALLOWED}: time, event type, method,
 * tool (when there is one), upstream ({@code gateway} for the gateway's own methods), then the outcome (with the
 * reason when blocked, answered by a plugin or failed; a response's status, error or duration), and the caller
 * when one is known. Control characters in names and reasons become spaces.
 */
final class HumanReadableFormat implements EventFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\s]+");

    static final FileLayout LAYOUT = new FileLayout("human-readable text", null,
            (time, count) -> TIME.format(time) + " - AUDIT_DROPPED: " + count + " records dropped (the audit queue was full)");

    private final JsonRpcCodec codec;

    HumanReadableFormat(JsonRpcCodec codec) {
        this.codec = codec;
    }

    @Override
    public String format(AuditEvent event) {
        AuditRecord record = AuditRecord.of(event, codec);
        StringBuilder line = new StringBuilder(128);
        line.append(TIME.format(record.time())).append(" - ").append(record.eventType()).append(": ")
                .append(clean(record.method()));
        if (record.tool() != null) {
            line.append(" - ").append(clean(record.tool()));
        }
        line.append(" - ").append(record.server() == null ? "gateway" : clean(record.server()));
        line.append(" - ").append(outcome(record));
        if (!record.principal().isEmpty()) {
            line.append(" - by ").append(clean(record.principal()));
        }
        if (record.accessDecision() != null) {
            line.append(" - access ").append(clean(record.accessDecision()));
        }
        return line.toString();
    }

    private static String outcome(AuditRecord record) {
        String reason = clean(record.reason());
        return switch (record.pipelineOutcome()) {
            case "blocked" -> "BLOCKED - " + reason;
            case "completed_by_middleware" -> "MIDDLEWARE_RESPONSE - " + reason;
            case "error" -> "ERROR - " + reason;
            default -> record.responseStatus() == null ? passed(record)
                    : record.errorCode() != null ? "error " + record.errorCode() + ": " + clean(record.errorMessage())
                    : String.format(Locale.ROOT, "success (%.3fs)", durationMs(record) / 1000);
        };
    }

    private static String passed(AuditRecord record) {
        return switch (record.pipelineOutcome()) {
            case "modified" -> "MODIFIED";
            case "no_security" -> "NO_SECURITY";
            default -> "ALLOWED";
        };
    }

    private static double durationMs(AuditRecord record) {
        Double millis = record.durationMs();
        return millis == null ? 0 : millis;
    }

    private static String clean(@Nullable String text) {
        return text == null ? "" : CONTROL.matcher(text).replaceAll(" ").strip();
    }
}
