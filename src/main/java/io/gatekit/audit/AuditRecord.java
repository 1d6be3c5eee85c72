package io.gatekit.audit;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.plugins.AuditEvent;
import io.gatekit.plugins.PipelineOutcome;
import io.gatekit.plugins.PipelineRun;
import io.gatekit.plugins.PluginKind;
import io.gatekit.plugins.StageResult;
import io.gatekit.plugins.UtcTimestamps;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The fields every audit format writes, worked out once from an event, with the Python Gatekit's names and
 * classification. When the pipeline cleared the content (a security plugin blocked or redacted the message), no
 * text that may carry it is kept: each reason becomes its stage's outcome in brackets, an error message likewise,
 * and {@link #contentHash} identifies the message instead.
 *
 * @param eventType REQUEST, REQUEST_MODIFIED, RESPONSE, RESPONSE_MODIFIED, NOTIFICATION, NOTIFICATION_MODIFIED,
 *     SECURITY_BLOCK, or for an error response its class ({@link ErrorClass})
 * @param server the upstream, or null for the gateway's own methods and messages that name none
 * @param reason the stages' reasons, {@code "[plugin] reason | [plugin] reason"}; the outcome when none gave one
 * @param durationMs for a response, milliseconds since the request was read; null otherwise
 * @param responseStatus {@code success} or {@code error} for a response; null otherwise
 * @param contentHash the first 16 hex digits of the SHA-256 of the message, when its content was cleared
 * @param accessDecision what the access policy decided ({@code allow (rule readers)}, {@code deny (default)},
 *     {@code filtered}); null when none decided (no policy, or a request record: the policy decides after plugins)
 */
record AuditRecord(Instant time, String eventType, @Nullable JsonNode requestId, @Nullable String server, String method,
        @Nullable String tool, String principal, String pipelineOutcome, boolean securityEvaluated, boolean modified,
        String reason, List<Stage> stages, @Nullable String blockedAt, @Nullable String completedBy, double totalTimeMs,
        @Nullable Double durationMs, @Nullable String responseStatus, @Nullable Integer errorCode,
        @Nullable String errorMessage, @Nullable ErrorClass errorClass, @Nullable String contentHash,
        @Nullable String accessDecision) {


    /** One plugin's part, as records show it. */
    record Stage(String plugin, String type, String outcome, String reason, double timeMs) {}

    static AuditRecord of(AuditEvent event, JsonRpcCodec codec) {
        PipelineRun run = event.pipeline();
        boolean cleared = run.contentCleared();
        boolean modified = false;
        boolean security = false;
        long totalNanos = 0;
        List<Stage> stages = new ArrayList<>(run.stages().size());
        List<String> reasons = new ArrayList<>();
        for (StageResult stage : run.stages()) {
            modified |= stage.outcome() == PipelineOutcome.MODIFIED;
            security |= stage.kind() == PluginKind.SECURITY;
            totalNanos += stage.nanos();
            String reason = stage.reason().isEmpty() ? "" : cleared ? cleared(stage.outcome()) : stage.reason();
            if (!reason.isEmpty()) {
                reasons.add("[" + stage.handler() + "] " + reason);
            }
            stages.add(new Stage(stage.handler(), stage.kind().configKey(), outcomeName(stage.outcome()), reason,
                    millis(stage.nanos())));
        }
        Response error = event.errorResponse();
        JsonRpcError failure = error == null ? null : error.error();
        ErrorClass errorClass = failure == null ? null : ErrorClass.of(failure.code());
        boolean response = event.type() == AuditEvent.Type.RESPONSE;
        return new AuditRecord(event.time(), eventType(event, modified, errorClass), event.requestId(), event.upstream(),
                event.method(), event.tool(), event.principal().subject(), outcomeName(run.outcome()), security, modified,
                reasons.isEmpty() ? outcomeName(run.outcome()) : String.join(" | ", reasons), List.copyOf(stages),
                run.outcome() == PipelineOutcome.BLOCKED ? run.decidedBy() : null,
                run.outcome() == PipelineOutcome.COMPLETED_BY_MIDDLEWARE ? run.decidedBy() : null,
                millis(totalNanos),
                response ? millis(event.durationNanos()) : null,
                response ? (failure == null ? "success" : "error") : null,
                failure == null ? null : failure.code(),
                failure == null ? null : cleared ? cleared(run.outcome()) : failure.message(),
                errorClass,
                cleared ? contentHash(codec.encode(event.message())) : null,
                event.context().accessDecision());
    }

    private static String eventType(AuditEvent event, boolean modified, @Nullable ErrorClass errorClass) {
        if (event.pipeline().outcome() == PipelineOutcome.BLOCKED) {
            return "SECURITY_BLOCK";
        }
        return switch (event.type()) {
            case REQUEST -> modified ? "REQUEST_MODIFIED" : "REQUEST";
            case NOTIFICATION -> modified ? "NOTIFICATION_MODIFIED" : "NOTIFICATION";
            case RESPONSE -> modified ? "RESPONSE_MODIFIED" : errorClass != null ? errorClass.eventType() : "RESPONSE";
        };
    }

    /** What stands for a reason or message whose content was cleared: the outcome in brackets. */
    private static String cleared(PipelineOutcome outcome) {
        return "[" + outcomeName(outcome) + "]";
    }

    /** The outcome as the original's records name it (constants: every record names outcomes). */
    static String outcomeName(PipelineOutcome outcome) {
        return switch (outcome) {
            case ALLOWED -> "allowed";
            case MODIFIED -> "modified";
            case BLOCKED -> "blocked";
            case COMPLETED_BY_MIDDLEWARE -> "completed_by_middleware";
            case ERROR -> "error";
            case NO_SECURITY_EVALUATION -> "no_security";
        };
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    static String contentHash(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The time as ISO-8601 in UTC with microseconds, as the original writes it. */
    String timestamp() {
        return timestampOf(time);
    }

    static String timestampOf(Instant time) {
        return UtcTimestamps.micros(time);
    }

    /** The request id as text (a string id without quotes); null for a notification. */
    @Nullable String requestIdText() {
        if (requestId == null || requestId.isNull()) {
            return null;
        }
        return requestId.isString() ? requestId.stringValue() : requestId.asString();
    }

    /** The class of a JSON-RPC error code, as event types and the CSV classification name it. */
    enum ErrorClass {
        SECURITY_BLOCK(ErrorCode.BLOCKED_BY_POLICY, "SECURITY_BLOCK", "blocked_by_policy"),
        PARSE(ErrorCode.PARSE_ERROR, "PARSE_ERROR", "parse_error"),
        INVALID_REQUEST(ErrorCode.INVALID_REQUEST, "INVALID_REQUEST_ERROR", "invalid_request"),
        METHOD_NOT_FOUND(ErrorCode.METHOD_NOT_FOUND, "METHOD_NOT_FOUND_ERROR", "method_not_found"),
        INVALID_PARAMS(ErrorCode.INVALID_PARAMS, "INVALID_PARAMS_ERROR", "invalid_params"),
        INTERNAL(ErrorCode.INTERNAL_ERROR, "INTERNAL_ERROR", "internal_error"),
        UPSTREAM(null, "UPSTREAM_ERROR", "server_error"),
        APPLICATION(null, "APPLICATION_ERROR", "application_error");

        private final @Nullable ErrorCode code;
        private final String eventType;
        private final String classification;

        ErrorClass(@Nullable ErrorCode code, String eventType, String classification) {
            this.code = code;
            this.eventType = eventType;
            this.classification = classification;
        }

        String eventType() {
            return eventType;
        }

        String classification() {
            return classification;
        }

        static ErrorClass of(int code) {
            for (ErrorClass each : values()) {
                if (each.code != null && each.code.code() == code) {
                    return each;
                }
            }
            return code >= -32099 && code <= -32000 ? UPSTREAM : APPLICATION; // JSON-RPC's server error range
        }
    }
}
