package io.gatekit.plugins.middleware;

import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.RawJson;
import io.gatekit.jsonrpc.RawObject;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.plugins.MiddlewarePlugin;
import io.gatekit.plugins.PluginContext;
import io.gatekit.plugins.PluginDecision;
import io.gatekit.plugins.UtcTimestamps;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code call_trace}: appends a text block to each successful {@code tools/call} result saying which upstream and
 * tool answered, with what arguments (shortened), how large the result was, how long the call took (since the
 * gateway read the request), the request id and the time, and how to find the call in the audit log. A result
 * without a {@code content} array is turned into one: its JSON as a first text block, the trace as the second.
 *
 * <p>A diagnostic must never cost the call: any failure here leaves the response as it was (fails open). Stateless
 * (the start time comes with the request's context): safe for concurrent use.
 */
final class CallTrace implements MiddlewarePlugin {
    static final String HANDLER = "call_trace";
    /** The first line of every block, so people and tests recognise it. */
    static final String HEADER = "Gatekit trace";

    private static final Logger log = LoggerFactory.getLogger(CallTrace.class);
    private static final JsonMapper JSON = JsonMapper.shared();
    private static final byte[] BLOCK_HEAD = "{\"type\":\"text\",\"text\":\"".getBytes(StandardCharsets.US_ASCII);

    private final TraceOptions options;
    private final Clock clock;
    private final LongSupplier nanoTime;

    CallTrace(TraceOptions options, Clock clock, LongSupplier nanoTime) {
        this.options = options;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    /**
     * No: bodies kept as raw bytes are handled as they are (the common case, the gateway's fast path): the trace is
     * spliced into the raw result's {@code content} array, its size is the raw length, and the arguments are the
     * client's own compact text. A tree (another plugin of the scope read the bodies) takes the tree path.
     */
    @Override
    public boolean readsBodies(String method) {
        return false;
    }

    @Override
    public PluginDecision onResponse(Request request, Response response, PluginContext context) {
        if (!request.method().equals("tools/call") || response.isError()) {
            return PluginDecision.pass();
        }
        try {
            JsonNode result = response.successResult();
            RawObject raw = RawObject.of(result);
            if (raw != null) {
                if (asksForMore(raw.member("resultType"))) {
                    return PluginDecision.pass();
                }
                JsonNode traced = raw.withAppended("content", textBlock(trace(request, raw.length(), context)));
                if (traced != null) {
                    return PluginDecision.modify(Response.success(response.id(), traced), "appended the call trace");
                }
            }
            JsonNode tree = tree(result);
            if (asksForMore(tree.get("resultType"))) {
                return PluginDecision.pass();
            }
            ObjectNode traced = withBlock(tree, trace(request, JSON.writeValueAsBytes(tree).length, context));
            return PluginDecision.modify(Response.success(response.id(), traced), "appended the call trace");
        } catch (RuntimeException e) {
            log.warn("call_trace could not trace a {} result; it goes on untraced: {}", context.upstream(), e.toString());
            return PluginDecision.pass();
        }
    }

    /** {@code node} as a tree: a value kept as raw bytes (not an object with a content array) is read into one. */
    private static JsonNode tree(JsonNode node) {
        return RawJson.isRaw(node) ? JSON.readTree(JSON.writeValueAsBytes(node)) : node;
    }

    /** The trace as a compact JSON text block, ready to splice. */
    private static byte[] textBlock(String trace) {
        byte[] text = JsonStringEncoder.getInstance().quoteAsUTF8(trace);
        byte[] block = new byte[BLOCK_HEAD.length + text.length + 2];
        System.arraycopy(BLOCK_HEAD, 0, block, 0, BLOCK_HEAD.length);
        System.arraycopy(text, 0, block, BLOCK_HEAD.length, text.length);
        block[block.length - 2] = '"';
        block[block.length - 1] = '}';
        return block;
    }

    /**
     * A 2026-07-28 multi round-trip answer ({@code resultType} other than complete) is a question, not the tool's
     * output: the client must get it exactly as sent to answer it.
     */
    private static boolean asksForMore(@Nullable JsonNode type) {
        return type != null && !"complete".equals(type.asString(""));
    }

    String trace(Request request, int resultBytes, PluginContext context) {
        String timestamp = UtcTimestamps.millis(Instant.now(clock));
        String id = idText(request.id());
        StringBuilder text = new StringBuilder(HEADER);
        if (options.server()) {
            line(text, "upstream", context.upstream() == null ? "(none)" : context.upstream());
        }
        if (options.tool()) {
            line(text, "tool", toolName(request));
        }
        if (options.params()) {
            line(text, "arguments", arguments(request));
        }
        if (options.responseSize()) {
            line(text, "result size", size(resultBytes));
        }
        if (options.duration()) {
            line(text, "duration", TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - context.startNanos()) + " ms");
        }
        if (options.requestId()) {
            line(text, "request id", id);
        }
        if (options.timestamp()) {
            line(text, "time (UTC)", timestamp);
        }
        String hint = auditHint(id, timestamp);
        if (!hint.isEmpty()) {
            text.append("\n\n").append(hint);
        }
        return text.toString();
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append('\n').append(label).append(": ").append(value);
    }

    /** How to find this call in the audit records, from what the block shows (nothing when it shows neither). */
    private String auditHint(String id, String timestamp) {
        String what;
        if (options.requestId() && options.timestamp()) {
            what = "look for request id " + id + " at about " + timestamp;
        } else if (options.requestId()) {
            what = "look for request id " + id;
        } else if (options.timestamp()) {
            what = "look at about " + timestamp;
        } else {
            return "";
        }
        return "Audit trail: " + what + " in the files of the auditing plugins (plugins.auditing in your Gatekit config).";
    }

    private static String toolName(Request request) {
        JsonNode name = request.params() == null ? null : request.params().get("name");
        return name != null && name.isString() ? name.stringValue() : "(unnamed)";
    }

    private String arguments(Request request) {
        JsonNode arguments = request.params() == null ? null : request.params().get("arguments");
        String json = arguments == null ? "{}" : compactText(arguments);
        int limit = options.maxParamLength();
        if (json.length() <= limit) {
            return json;
        }
        // Never cut a character in half.
        int end = limit > 0 && Character.isHighSurrogate(json.charAt(limit - 1)) ? limit - 1 : limit;
        return json.substring(0, end) + "...";
    }

    /** The JSON text of {@code value}, compact: raw bytes that already are compact are taken as they are. */
    private static String compactText(JsonNode value) {
        RawObject raw = RawObject.of(value);
        return raw != null && raw.compact() ? raw.text() : JSON.writeValueAsString(tree(value));
    }

    private static String idText(@Nullable JsonNode id) {
        if (id == null || id.isNull()) {
            return "none";
        }
        return id.isString() ? id.stringValue() : id.asString(); // an integer: its digits
    }

    /** Bytes as people read them: B below 1 KiB, then KB, MB, GB with one decimal (1024-based, as the original). */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB"};
        double value = bytes;
        int unit = -1;
        do {
            value /= 1024;
            unit++;
        } while (value >= 1024 && unit < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /**
     * The result with the trace as one more text block. Only the two levels that change are new objects; the
     * original content blocks are shared, not copied (a result can be large, and nothing changes them).
     */
    private static ObjectNode withBlock(JsonNode result, String trace) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode block = nodes.objectNode().put("type", "text").put("text", trace);
        if (result instanceof ObjectNode object && object.get("content") instanceof ArrayNode content) {
            ObjectNode traced = nodes.objectNode();
            traced.setAll(object);
            ArrayNode blocks = traced.putArray("content");
            blocks.addAll(content);
            blocks.add(block);
            return traced;
        }
        // Not a standard tool result: keep what it said, readable, as the first block.
        ObjectNode wrapped = nodes.objectNode();
        ArrayNode blocks = wrapped.putArray("content");
        blocks.addObject().put("type", "text").put("text", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        blocks.add(block);
        return wrapped;
    }
}
