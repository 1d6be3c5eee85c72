package io.gatekit.audit;

import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.plugins.AuditEvent;
import io.gatekit.plugins.Direction;
import io.gatekit.plugins.PipelineOutcome;
import io.gatekit.plugins.PipelineRun;
import io.gatekit.plugins.Plugin;
import io.gatekit.plugins.PluginContext;
import io.gatekit.plugins.PluginFactory;
import io.gatekit.plugins.PluginKind;
import io.gatekit.plugins.PluginSettings;
import io.gatekit.plugins.PluginSetup;
import io.gatekit.plugins.SharedResources;
import io.gatekit.plugins.StageResult;
import io.gatekit.session.Principal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Audit events, pipeline runs and plugins for the audit tests, built directly (no gateway). */
final class AuditFixtures {
    static final JsonMapper JSON = JsonMapper.shared();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final Instant TIME = Instant.parse("2025-01-12T15:30:45.123456Z");

    private AuditFixtures() {}

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    static PluginContext context(@Nullable String upstream, Principal principal) {
        return new PluginContext(upstream, principal, "client-1", Direction.TO_UPSTREAM, System.nanoTime());
    }

    static Request call(Object id, String tool, String argumentsJson) {
        ObjectNode params = NODES.objectNode();
        params.put("name", tool);
        params.set("arguments", json(argumentsJson));
        return new Request(JSON.valueToTree(id), "tools/call", params);
    }

    static Response success(Request request, String text) {
        ObjectNode result = NODES.objectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        return Response.success(request.id(), result);
    }

    static Response failure(Request request, int code, String message) {
        return Response.failure(request.id(), new JsonRpcError(code, message, null));
    }

    /** A run where the security plugin {@code guard} allowed the message with {@code reason}. */
    static PipelineRun allowed(JsonRpcMessage message, String reason) {
        return new PipelineRun(PipelineOutcome.ALLOWED, message, null, "", "", null,
                List.of(new StageResult("guard", PluginKind.SECURITY, PipelineOutcome.ALLOWED, reason, 1_500_000)), false);
    }

    /** A run where the middleware {@code shaper} changed the message (content not cleared). */
    static PipelineRun shaped(JsonRpcMessage message) {
        return new PipelineRun(PipelineOutcome.MODIFIED, message, null, "", "", null,
                List.of(new StageResult("shaper", PluginKind.MIDDLEWARE, PipelineOutcome.MODIFIED, "renamed", 1000)), false);
    }

    /** A run where the security plugin {@code deny} blocked the message, saying {@code reason}. */
    static PipelineRun blocked(JsonRpcMessage message, String reason) {
        return new PipelineRun(PipelineOutcome.BLOCKED, message, null, "deny", reason, null,
                List.of(new StageResult("deny", PluginKind.SECURITY, PipelineOutcome.BLOCKED, reason, 2000)), true);
    }

    /** A run where the security plugin {@code redactor} replaced the message with {@code redacted}. */
    static PipelineRun redacted(JsonRpcMessage redacted, String reason) {
        return new PipelineRun(PipelineOutcome.MODIFIED, redacted, null, "", "", null,
                List.of(new StageResult("redactor", PluginKind.SECURITY, PipelineOutcome.MODIFIED, reason, 2000)), true);
    }

    static AuditEvent requestEvent(Request request, PipelineRun run) {
        return new AuditEvent(AuditEvent.Type.REQUEST, TIME, context("demo", Principal.ANONYMOUS), request.id(),
                request.method(), AuditEvent.targetOf(request), run.message(), run, 0);
    }

    static AuditEvent responseEvent(Request request, Response answer, PipelineRun run, long durationNanos) {
        return new AuditEvent(AuditEvent.Type.RESPONSE, TIME, context("demo", Principal.ANONYMOUS).toClient(), request.id(),
                request.method(), AuditEvent.targetOf(request), answer, run, durationNanos);
    }

    static AuditEvent notificationEvent(Notification notification, PipelineRun run) {
        return new AuditEvent(AuditEvent.Type.NOTIFICATION, TIME, context("demo", Principal.ANONYMOUS).toClient(), null,
                notification.method(), null, notification, run, 0);
    }

    /** A plugin made by {@code factory} from {@code optionsJson}, with relative paths under {@code directory}. */
    static Plugin plugin(PluginFactory factory, Path directory, SharedResources shared, String optionsJson) {
        JsonNode options = json(optionsJson);
        return factory.create(new PluginSetup(options, null, directory, PluginSettings.of(options, factory), shared));
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
