package io.gatekit.observability;

import io.gatekit.chain.Exchange;
import io.gatekit.chain.Target;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import org.jspecify.annotations.Nullable;

/**
 * The tracing observer: a SERVER span per client request, from when the {@link Observation} link sees it until it
 * ends, named and attributed after the MCP semantic conventions, continuing the trace the client's
 * {@code params._meta} names (if any). Errors set {@code error.type} to the JSON-RPC code (or the outcome, for a
 * request that got no answer) and the span's status to error.
 */
final class TracingEvents implements GatewayEvents {
    private final Tracer tracer;
    private final String transport;

    TracingEvents(Tracer tracer, String transport) {
        this.tracer = tracer;
        this.transport = transport;
    }

    @Override
    public void requestStarted(Exchange exchange) {
        Request request = exchange.original();
        String method = request.method();
        String target = McpSpans.target(request);
        SpanBuilder span = tracer.spanBuilder(McpSpans.spanName(method, target))
                .setParent(TraceMeta.extract(request.params()))
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(McpSpans.METHOD_NAME, method)
                .setAttribute(McpSpans.REQUEST_ID, McpSpans.requestId(request.id()))
                .setAttribute(McpSpans.SESSION_ID, exchange.client().id())
                .setAttribute(McpSpans.NETWORK_TRANSPORT, transport);
        String version = exchange.client().info().protocolVersion();
        if (version != null) {
            span.setAttribute(McpSpans.PROTOCOL_VERSION, version);
        }
        describeTarget(span, request, target);
        exchange.attach(RequestTrace.class, new RequestTrace(span.startSpan()));
    }

    /** The tool, prompt or resource a request is about, as the conventions name them. */
    static void describeTarget(SpanBuilder span, Request request, @Nullable String target) {
        if (target != null && request.method().equals(McpSpans.TOOLS_CALL)) {
            span.setAttribute(McpSpans.TOOL_NAME, target);
            span.setAttribute(McpSpans.OPERATION_NAME, "execute_tool");
        } else if (target != null) {
            span.setAttribute(McpSpans.PROMPT_NAME, target);
        }
        String uri = McpSpans.resourceUri(request);
        if (uri != null) {
            span.setAttribute(McpSpans.RESOURCE_URI, uri);
        }
    }

    @Override
    public void requestEnded(Exchange exchange, Outcome outcome, @Nullable JsonRpcError error, long nanos) {
        RequestTrace trace = exchange.attachment(RequestTrace.class);
        if (trace == null) {
            return;
        }
        Span span = trace.server();
        Target target = exchange.target();
        if (target != null) {
            span.setAttribute(McpSpans.UPSTREAM, target.upstream().name());
        }
        recordError(span, outcome, error);
        span.end();
    }

    /** {@code error.type}, {@code rpc.response.status_code} and an error status, unless the outcome is a result. */
    static void recordError(Span span, Outcome outcome, @Nullable JsonRpcError error) {
        if (outcome == Outcome.OK) {
            return;
        }
        if (error == null) {
            span.setAttribute(McpSpans.ERROR_TYPE, outcome.label());
            span.setStatus(StatusCode.ERROR, outcome.label());
            return;
        }
        String code = Integer.toString(error.code());
        span.setAttribute(McpSpans.ERROR_TYPE, code);
        span.setAttribute(McpSpans.RESPONSE_STATUS_CODE, code);
        span.setStatus(StatusCode.ERROR, error.message());
    }
}
