package io.gatekit.observability;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * W3C trace context in a request's {@code params._meta} ({@code traceparent}, {@code tracestate}), where the MCP
 * semantic conventions carry it: read from a client's request, written into the request sent upstream.
 */
final class TraceMeta {
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final String TRACEPARENT = "traceparent";
    private static final String TRACESTATE = "tracestate";

    private static final TextMapGetter<ObjectNode> GETTER = (meta, key) -> {
        JsonNode value = meta == null ? null : meta.get(key);
        return value != null && value.isString() ? value.stringValue() : null;
    };

    private static final TextMapSetter<ObjectNode> SETTER = (meta, key, value) -> {
        if (meta != null) {
            meta.put(key, value);
        }
    };

    private TraceMeta() {}

    /** The caller's trace context from {@code params._meta}, or the root context when it carries none (or a bad one). */
    static Context extract(@Nullable JsonNode params) {
        if (params != null && params.get("_meta") instanceof ObjectNode meta && meta.has(TRACEPARENT)) {
            return W3C.extract(Context.root(), meta, GETTER);
        }
        return Context.root();
    }

    /**
     * {@code params} with {@code context} in {@code _meta} (replacing the caller's trace context). A new object that
     * shares every other member, so raw {@code tools/call} arguments stay raw and the client's request is untouched.
     */
    static ObjectNode inject(@Nullable JsonNode params, Context context) {
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        if (params instanceof ObjectNode object) {
            copy.setAll(object);
        }
        ObjectNode meta = copy.objectNode();
        if (copy.get("_meta") instanceof ObjectNode given) {
            meta.setAll(given);
            meta.remove(List.of(TRACEPARENT, TRACESTATE));
        }
        W3C.inject(context, meta, SETTER);
        copy.set("_meta", meta);
        return copy;
    }
}
