package io.gatekit.observability;

import io.opentelemetry.api.trace.Span;

/**
 * What tracing keeps on an exchange: the server span of the client's request, attached by {@link TracingEvents}
 * and read by {@link UpstreamTracing} as the parent of the upstream call's span.
 */
record RequestTrace(Span server) {}
