package io.gatekit.audit;

import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.plugins.AuditEvent;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code audit_jsonl}: one JSON object per line with the original's field names, plus {@code principal} and, when the
 * access policy decided, {@code access_decision}; the message
 * body when the entry asks for it ({@code include_request_body} and the like), cut to {@code max_body_size}
 * characters; never a body when the content was cleared (then {@code content_cleared} and {@code content_hash}).
 */
final class JsonLinesFormat implements EventFormat {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String TRUNCATED = "...[truncated]";

    static final FileLayout LAYOUT = new FileLayout("JSON Lines", null, (time, count) -> {
        ObjectNode marker = NODES.objectNode();
        marker.put("timestamp", AuditRecord.timestampOf(time));
        marker.put("event_type", "AUDIT_DROPPED");
        marker.put("count", count);
        return marker.toString();
    });

    /**
     * Which bodies an entry writes, and how much of each.
     *
     * @param maxBodySize characters of a body's JSON text kept; 0 keeps all
     */
    record Bodies(boolean request, boolean response, boolean notification, int maxBodySize) {}

    private final Bodies bodies;
    private final JsonRpcCodec codec;

    JsonLinesFormat(Bodies bodies, JsonRpcCodec codec) {
        this.bodies = bodies;
        this.codec = codec;
    }

    @Override
    public String format(AuditEvent event) {
        AuditRecord record = AuditRecord.of(event, codec);
        ObjectNode line = NODES.objectNode();
        line.put("timestamp", record.timestamp());
        line.put("event_type", record.eventType());
        line.set("request_id", record.requestId() == null ? NODES.nullNode() : record.requestId());
        line.put("server_name", record.server());
        line.put("method", record.method());
        line.put("tool", record.tool());
        line.put("principal", record.principal());
        if (record.accessDecision() != null) {
            line.put("access_decision", record.accessDecision());
        }
        line.put("pipeline_outcome", record.pipelineOutcome());
        line.put("security_evaluated", record.securityEvaluated());
        line.put("modified", record.modified());
        line.put("reason", record.reason());
        if (record.responseStatus() != null) {
            line.put("response_status", record.responseStatus());
            if (record.errorCode() != null) {
                line.put("error_code", record.errorCode());
                line.put("error_message", record.errorMessage());
            }
            line.put("duration_ms", record.durationMs());
        }
        line.set("pipeline", pipeline(record));
        if (record.contentHash() != null) {
            line.put("content_cleared", true);
            line.put("content_hash", record.contentHash());
        } else {
            addBody(line, event.message());
        }
        return codec.mapper().writeValueAsString(line);
    }

    private static ObjectNode pipeline(AuditRecord record) {
        ObjectNode pipeline = NODES.objectNode();
        pipeline.put("pipeline_outcome", record.pipelineOutcome());
        pipeline.put("blocked_at_stage", record.blockedAt());
        pipeline.put("completed_by", record.completedBy());
        pipeline.put("total_time_ms", record.totalTimeMs());
        pipeline.put("had_security_plugin", record.securityEvaluated());
        ArrayNode stages = pipeline.putArray("stages");
        for (AuditRecord.Stage stage : record.stages()) {
            ObjectNode each = stages.addObject();
            each.put("plugin", stage.plugin());
            each.put("type", stage.type());
            each.put("outcome", stage.outcome());
            each.put("reason", stage.reason());
            each.put("processing_time_ms", stage.timeMs());
        }
        return pipeline;
    }

    private void addBody(ObjectNode line, JsonRpcMessage message) {
        switch (message) {
            case Request request when bodies.request() && request.params() != null ->
                    line.set("request_body", body(request.params()));
            case Notification notification when bodies.notification() && notification.params() != null ->
                    line.set("notification_body", body(notification.params()));
            case Response response when bodies.response() -> line.set("response_body", body(responseBody(response)));
            default -> {
                // this entry does not write this kind of body
            }
        }
    }

    private static JsonNode responseBody(Response response) {
        JsonRpcError error = response.error();
        if (error == null) {
            return response.successResult();
        }
        ObjectNode node = NODES.objectNode();
        node.put("code", error.code());
        node.put("message", error.message());
        if (error.data() != null) {
            node.set("data", error.data());
        }
        return node;
    }

    /**
     * The body as a tree (values kept as raw bytes read into one: raw text may hold line breaks), or, when its
     * JSON text is longer than {@code max_body_size}, that text cut and marked as a string.
     */
    private JsonNode body(JsonNode value) {
        JsonNode tree;
        String text;
        try {
            tree = codec.materializeAll(value);
            text = codec.mapper().writeValueAsString(tree);
        } catch (JacksonException e) {
            return NODES.stringNode("[body not readable: " + e.getOriginalMessage() + "]");
        }
        int max = bodies.maxBodySize();
        if (max == 0 || text.length() <= max) {
            return tree;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return NODES.stringNode(text.substring(0, end) + TRUNCATED);
    }
}
