package io.gatekit.audit;

import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.plugins.AuditEvent;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonEncoding;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.databind.JsonNode;
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

    /** Written member by member from the record, straight to text: no tree per record. */
    @Override
    public String format(AuditEvent event) {
        AuditRecord record = AuditRecord.of(event, codec);
        StringWriter text = new StringWriter(512);
        try (JsonGenerator line = generator(text, withBody(record, event))) {
            write(line, record, event);
        }
        return text.toString();
    }

    /**
     * The same record written as UTF-8 straight into bytes, which is what the file takes: no text to encode
     * afterwards, and the generator's own UTF-8 path (a JSON string never holds a raw line break, so none to escape).
     */
    @Override
    public byte[] line(AuditEvent event) {
        AuditRecord record = AuditRecord.of(event, codec);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (JsonGenerator line = generator(bytes, withBody(record, event))) {
            write(line, record, event);
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    private boolean withBody(AuditRecord record, AuditEvent event) {
        return record.contentHash() == null && writesBody(event.message());
    }

    private void write(JsonGenerator line, AuditRecord record, AuditEvent event) {
        line.writeStartObject();
        line.writeStringProperty("timestamp", record.timestamp());
        line.writeStringProperty("event_type", record.eventType());
        requestId(line, record.requestId());
        string(line, "server_name", record.server());
        line.writeStringProperty("method", record.method());
        string(line, "tool", record.tool());
        line.writeStringProperty("principal", record.principal());
        if (record.accessDecision() != null) {
            line.writeStringProperty("access_decision", record.accessDecision());
        }
        line.writeStringProperty("pipeline_outcome", record.pipelineOutcome());
        line.writeBooleanProperty("security_evaluated", record.securityEvaluated());
        line.writeBooleanProperty("modified", record.modified());
        line.writeStringProperty("reason", record.reason());
        if (record.responseStatus() != null) {
            line.writeStringProperty("response_status", record.responseStatus());
            if (record.errorCode() != null) {
                line.writeNumberProperty("error_code", record.errorCode());
                string(line, "error_message", record.errorMessage());
            }
            line.writeName("duration_ms");
            if (record.durationMs() == null) {
                line.writeNull();
            } else {
                line.writeNumber(record.durationMs());
            }
        }
        line.writeName("pipeline");
        pipeline(line, record);
        if (record.contentHash() != null) {
            line.writeBooleanProperty("content_cleared", true);
            line.writeStringProperty("content_hash", record.contentHash());
        } else {
            addBody(line, event.message());
        }
        line.writeEndObject();
    }

    /**
     * A generator that can write trees when the line carries a body; otherwise a plain one (the id is written by
     * hand), which costs no serialization context per record.
     */
    private JsonGenerator generator(StringWriter text, boolean withBody) {
        return withBody ? codec.mapper().createGenerator(text)
                : codec.mapper().tokenStreamFactory().createGenerator(ObjectWriteContext.empty(), text);
    }

    private JsonGenerator generator(ByteArrayOutputStream bytes, boolean withBody) {
        return withBody ? codec.mapper().createGenerator(bytes, JsonEncoding.UTF8)
                : codec.mapper().tokenStreamFactory().createGenerator(ObjectWriteContext.empty(), bytes, JsonEncoding.UTF8);
    }

    private boolean writesBody(JsonRpcMessage message) {
        return switch (message) {
            case Request request -> bodies.request() && request.params() != null;
            case Notification notification -> bodies.notification() && notification.params() != null;
            case Response response -> bodies.response();
        };
    }

    /** A request id: a string or an integer (the codec admits nothing else), as the tree would write it. */
    private static void requestId(JsonGenerator line, @Nullable JsonNode id) {
        line.writeName("request_id");
        if (id == null || id.isNull()) {
            line.writeNull();
        } else if (id.isString()) {
            line.writeString(id.stringValue());
        } else if (id.canConvertToLong()) {
            line.writeNumber(id.longValue());
        } else {
            line.writeNumber(id.bigIntegerValue());
        }
    }

    private static void string(JsonGenerator line, String name, @Nullable String value) {
        line.writeName(name);
        if (value == null) {
            line.writeNull();
        } else {
            line.writeString(value);
        }
    }

    private static void pipeline(JsonGenerator line, AuditRecord record) {
        line.writeStartObject();
        line.writeStringProperty("pipeline_outcome", record.pipelineOutcome());
        string(line, "blocked_at_stage", record.blockedAt());
        string(line, "completed_by", record.completedBy());
        line.writeNumberProperty("total_time_ms", record.totalTimeMs());
        line.writeBooleanProperty("had_security_plugin", record.securityEvaluated());
        line.writeName("stages");
        line.writeStartArray();
        for (AuditRecord.Stage stage : record.stages()) {
            line.writeStartObject();
            line.writeStringProperty("plugin", stage.plugin());
            line.writeStringProperty("type", stage.type());
            line.writeStringProperty("outcome", stage.outcome());
            line.writeStringProperty("reason", stage.reason());
            line.writeNumberProperty("processing_time_ms", stage.timeMs());
            line.writeEndObject();
        }
        line.writeEndArray();
        line.writeEndObject();
    }

    private void addBody(JsonGenerator line, JsonRpcMessage message) {
        switch (message) {
            case Request request when bodies.request() && request.params() != null -> {
                line.writeName("request_body");
                line.writeTree(body(request.params()));
            }
            case Notification notification when bodies.notification() && notification.params() != null -> {
                line.writeName("notification_body");
                line.writeTree(body(notification.params()));
            }
            case Response response when bodies.response() -> {
                line.writeName("response_body");
                line.writeTree(body(responseBody(response)));
            }
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
