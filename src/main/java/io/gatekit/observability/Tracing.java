package io.gatekit.observability;

import io.gatekit.chain.Link;
import io.gatekit.config.ClientTransport;
import io.gatekit.config.TracingConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.TimeUnit;

/**
 * A gateway's OpenTelemetry tracing (ADR 0020): its own tracer provider (never the global one), the
 * {@link GatewayEvents} that give every client request a server span, and the chain link that gives every forwarded
 * request a client span and carries its context upstream in {@code params._meta}. Exists only when
 * {@code observability.tracing} is enabled; a gateway without it has neither the observer nor the link.
 *
 * <p>Concurrency: the provider and tracer are thread-safe; spans are exported in batches by the SDK's own thread.
 */
public final class Tracing implements AutoCloseable {
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final AttributeKey<String> SERVICE_VERSION = AttributeKey.stringKey("service.version");

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final String clientTransport;

    /**
     * @param spans where ended spans go (a batch processor around an exporter)
     * @param sampleRatio the share of new traces kept; a caller's sampled flag is followed
     * @param faces how clients reach the gateway, for {@code network.transport}
     */
    public Tracing(SpanProcessor spans, double sampleRatio, String serviceName, String version, ClientTransport faces) {
        this.provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(
                        Attributes.of(SERVICE_NAME, serviceName, SERVICE_VERSION, version))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampleRatio)))
                .addSpanProcessor(spans)
                .build();
        this.tracer = provider.get("io.gatekit", version);
        this.clientTransport = faces == ClientTransport.HTTP ? "tcp" : "pipe";
    }

    /** Tracing as {@code config} says: spans batched to its OTLP (http/protobuf) endpoint. */
    public static Tracing start(TracingConfig config, String version, ClientTransport faces) {
        OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder().setEndpoint(config.endpoint().toString());
        config.headers().forEach(exporter::addHeader);
        return new Tracing(BatchSpanProcessor.builder(exporter.build()).build(), config.sampleRatio(),
                config.serviceName(), version, faces);
    }

    /** The observer that opens and ends each client request's server span. */
    public GatewayEvents events() {
        return new TracingEvents(tracer, clientTransport);
    }

    /** The link, just before forwarding, that opens the upstream call's client span and puts its context in _meta. */
    public Link upstreamLink() {
        return new UpstreamTracing(tracer);
    }

    /** Exports what is still buffered (waiting up to {@code seconds}). */
    public boolean flush(long seconds) {
        return provider.forceFlush().join(seconds, TimeUnit.SECONDS).isSuccess();
    }

    /** Exports what is buffered (up to 5 s) and stops the exporter. */
    @Override
    public void close() {
        CompletableResultCode done = provider.shutdown();
        done.join(5, TimeUnit.SECONDS);
    }
}
