package io.gatekit.security;

import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.plugins.PluginContext;
import io.gatekit.plugins.PluginDecision;
import io.gatekit.plugins.SecurityPlugin;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The security plugin the three built-in filters share: it scans a request's {@code params}, a response's
 * {@code result} (a {@code tools/list} page's descriptions included: tool poisoning) and a notification's
 * {@code params}, every string value at any depth (and, for PII, every number), with its {@link Detector}, and
 * then, if something was found: blocks the message, passes a copy with each finding replaced by its placeholder,
 * or passes it unchanged with a reason saying what was found ({@link Action}). Reasons name kinds and counts, never
 * the matched text.
 *
 * <p>Two findings cannot be redacted and block even under {@code redact}: a message with more text than
 * {@link ScanLimits#MAX_CONTENT_BYTES} (blocked unscanned, reason code {@code content_size_exceeded}, whatever the
 * action) and a finding inside decoded base64 (changing the encoded bytes would corrupt them).
 *
 * <p>Concurrency: immutable; each message gets its own {@link MessageScan}.
 */
final class ContentFilter implements SecurityPlugin {
    /** Handshake and flow-control methods: nothing in them is content a user or a model wrote. */
    private static final Set<String> CONTROL_METHODS = Set.of("ping", "notifications/initialized",
            "notifications/cancelled", "logging/setLevel");
    static final String SIZE_EXCEEDED = "content_size_exceeded";

    /**
     * What makes one filter: how reasons name what it finds ({@code PII}, {@code secret}), the reason code of a
     * block, its detector and how base64 is treated, its action, whether numbers are scanned too, and the
     * placeholder for each kind.
     */
    record Spec(String subject, String reasonCode, TextScanner scanner, Action action, boolean scansNumbers,
            UnaryOperator<String> placeholder) {
        Spec {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(reasonCode, "reasonCode");
            Objects.requireNonNull(scanner, "scanner");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(placeholder, "placeholder");
        }
    }

    private final Spec spec;
    private final PluginDecision clean;

    ContentFilter(Spec spec) {
        this.spec = spec;
        this.clean = PluginDecision.allow("no " + spec.subject() + " detected");
    }

    @Override
    public boolean readsBodies(String method) {
        return !CONTROL_METHODS.contains(method);
    }

    @Override
    public PluginDecision onRequest(Request request, PluginContext context) {
        JsonNode params = request.params();
        if (params == null || !readsBodies(request.method())) {
            return clean;
        }
        return decide(params, redacted -> request.withParams(redacted));
    }

    @Override
    public PluginDecision onResponse(Request request, Response response, PluginContext context) {
        JsonNode result = response.result();
        if (result == null || !readsBodies(request.method())) {
            return clean;
        }
        return decide(result, redacted -> Response.success(response.id(), redacted));
    }

    @Override
    public PluginDecision onNotification(Notification notification, PluginContext context) {
        JsonNode params = notification.params();
        if (params == null || !readsBodies(notification.method())) {
            return clean;
        }
        return decide(params, redacted -> new Notification(notification.method(), redacted));
    }

    @SuppressWarnings("ReferenceEquality") // TreeRewrite answers the same instance when nothing changed
    private PluginDecision decide(JsonNode body, Function<JsonNode, JsonRpcMessage> withBody) {
        MessageScan scan = new MessageScan();
        JsonNode rewritten = TreeRewrite.apply(body, leaf -> rewrite(leaf, scan), scan::oversized);
        if (scan.oversized()) {
            ObjectNode details = JsonNodeFactory.instance.objectNode().put("reason_code", SIZE_EXCEEDED)
                    .put("max_bytes", ScanLimits.MAX_CONTENT_BYTES);
            return new PluginDecision.Block(SIZE_EXCEEDED + ": more than " + ScanLimits.MAX_CONTENT_BYTES
                    + " bytes of text to scan", details);
        }
        if (!scan.foundAny()) {
            return clean;
        }
        String found = scan.summary();
        return switch (spec.action()) {
            case BLOCK -> block(spec.subject() + " detected: " + found, scan, false);
            case REDACT -> scan.foundInBase64()
                    ? block(spec.subject() + " detected in base64-encoded content, which cannot be redacted: " + found, scan, true)
                    : rewritten == body ? PluginDecision.allow(spec.subject() + " detected, nothing to redact: " + found)
                    : PluginDecision.modify(withBody.apply(rewritten), spec.subject() + " redacted: " + found);
            case AUDIT_ONLY -> PluginDecision.allow(spec.subject() + " detected (audit only): " + found);
        };
    }

    private PluginDecision block(String reason, MessageScan scan, boolean base64Forced) {
        ObjectNode details = JsonNodeFactory.instance.objectNode().put("reason_code", spec.reasonCode());
        details.set("found", scan.countsNode());
        if (base64Forced) {
            details.put("base64_force_block", true);
        }
        return new PluginDecision.Block(reason, details);
    }

    private @Nullable JsonNode rewrite(JsonNode leaf, MessageScan scan) {
        String text;
        if (leaf.isString()) {
            text = leaf.stringValue();
        } else if (spec.scansNumbers() && leaf.isNumber()) {
            text = leaf.asString();
        } else {
            return null;
        }
        if (!scan.charge(text)) {
            return null;
        }
        List<Finding> findings = spec.scanner().scan(text, scan);
        if (findings.isEmpty() || spec.action() != Action.REDACT) {
            return null;
        }
        return JsonNodeFactory.instance.stringNode(TextScanner.redact(text, findings, spec.placeholder()));
    }
}
