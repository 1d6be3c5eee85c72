package io.gatekit.config;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code observability.tracing:} section: OpenTelemetry spans for every request, exported over OTLP
 * (http/protobuf), with W3C trace context carried in {@code params._meta}.
 *
 * @param endpoint the OTLP traces URL, e.g. {@code http://127.0.0.1:4318/v1/traces}
 * @param sampleRatio the share of new traces kept, 0 to 1; a client's own sampling decision is followed
 * @param serviceName the {@code service.name} of the spans
 * @param headers sent with every export (an API key, say)
 */
public record TracingConfig(URI endpoint, double sampleRatio, String serviceName, Map<String, String> headers) {
    static final String DEFAULT_ENDPOINT = "http://127.0.0.1:4318/v1/traces";
    static final String DEFAULT_SERVICE_NAME = "gatekit";

    public TracingConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        String scheme = endpoint.getScheme();
        if ((!"http".equals(scheme) && !"https".equals(scheme)) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("the tracing endpoint must be an http(s) URL with a host, got " + endpoint);
        }
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
            throw new IllegalArgumentException("sample_ratio must be between 0 and 1, got " + sampleRatio);
        }
        if (Objects.requireNonNull(serviceName, "serviceName").isBlank()) {
            throw new IllegalArgumentException("service_name must not be blank");
        }
        headers = Map.copyOf(headers);
    }
}
