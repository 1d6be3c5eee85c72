package io.gatekit.plugins;

import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.session.Principal;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One thing that happened, handed to every auditing plugin of the message's scope: a request and what the
 * filters decided, the response that answered it (with its duration), or a notification.
 *
 * @param type what happened
 * @param time when it was decided
 * @param context the upstream, the caller, the client session and the direction
 * @param requestId the client's own id of the request (null for a notification)
 * @param method the request's or notification's method (for a response, its request's)
 * @param tool the tool, prompt or resource the request names, in the upstream's terms; null when it names none
 * @param message the message as the filters left it (when {@link PipelineRun#contentCleared()}, record its hash only)
 * @param pipeline what the filters decided
 * @param durationNanos for a response, the time since the request was read; otherwise 0
 */
public record AuditEvent(Type type, Instant time, PluginContext context, @Nullable JsonNode requestId, String method,
        @Nullable String tool, JsonRpcMessage message, PipelineRun pipeline, long durationNanos) {

    public enum Type { REQUEST, RESPONSE, NOTIFICATION }

    public AuditEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(pipeline, "pipeline");
    }

    public Principal principal() {
        return context.principal();
    }

    public @Nullable String upstream() {
        return context.upstream();
    }

    /** The error the client received, for a response that is one; null otherwise. */
    public @Nullable Response errorResponse() {
        return message instanceof Response r && r.isError() ? r : null;
    }

    /** The name a request targets ({@code params.name}, else {@code params.uri}), in the upstream's terms. */
    public static @Nullable String targetOf(Request request) {
        JsonNode params = request.params();
        if (params == null) {
            return null;
        }
        JsonNode name = params.get("name");
        if (name != null && name.isString()) {
            return name.stringValue();
        }
        JsonNode uri = params.get("uri");
        return uri != null && uri.isString() ? uri.stringValue() : null;
    }
}
