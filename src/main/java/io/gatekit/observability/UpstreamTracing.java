package io.gatekit.observability;

import io.gatekit.chain.Decision;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;
import io.gatekit.chain.Target;
import io.gatekit.config.UpstreamTransport;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import org.jspecify.annotations.Nullable;

/**
 * The link just before forwarding, present only while tracing is on: a CLIENT span for the call to the upstream
 * (a child of the request's server span), whose W3C context replaces the caller's in the forwarded request's
 * {@code params._meta}, so the upstream continues the trace. Writing {@code _meta} means a new params object; its
 * other members, raw arguments included, are shared as they are.
 */
final class UpstreamTracing implements Link {
    private final Tracer tracer;

    UpstreamTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        Target target = exchange.target();
        RequestTrace trace = exchange.attachment(RequestTrace.class);
        if (target == null || trace == null) {
            return Decision.proceed();
        }
        Request request = exchange.request();
        String method = request.method();
        String name = McpSpans.target(request) == null ? null : target.name();
        SpanBuilder builder = tracer.spanBuilder(McpSpans.spanName(method, name))
                .setParent(Context.root().with(trace.server()))
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(McpSpans.METHOD_NAME, method)
                .setAttribute(McpSpans.UPSTREAM, target.upstream().name())
                .setAttribute(McpSpans.NETWORK_TRANSPORT,
                        target.upstream().config().transport() == UpstreamTransport.STDIO ? "pipe" : "tcp");
        TracingEvents.describeTarget(builder, request, name);
        Span span = builder.startSpan();
        UpstreamCall call = new UpstreamCall(span);
        exchange.attach(UpstreamCall.class, call);
        exchange.closeAtEnd(call);
        return Decision.proceedWith(request.withParams(TraceMeta.inject(request.params(), Context.root().with(span))));
    }

    @Override
    public Response onResponse(Exchange exchange, Response response) {
        UpstreamCall call = exchange.attachment(UpstreamCall.class);
        if (call != null) {
            call.answered(response.error());
        }
        return response;
    }

    /** Ends the client span once: when the answer passes back, or when the exchange ends without one. */
    private static final class UpstreamCall implements AutoCloseable {
        private final Span span;
        private boolean ended;

        UpstreamCall(Span span) {
            this.span = span;
        }

        void answered(@Nullable JsonRpcError error) {
            end(Outcome.of(error), error);
        }

        @Override
        public void close() {
            end(Outcome.CANCELLED, null);
        }

        private void end(Outcome outcome, @Nullable JsonRpcError error) {
            if (!ended) {
                ended = true;
                TracingEvents.recordError(span, outcome, error);
                span.end();
            }
        }
    }
}
