package io.gatekit.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code observability:} section: whether the gateway keeps request metrics, and where it sends traces.
 *
 * @param metrics whether requests are counted and timed for {@code /metrics} (on by default; off, the scrape still
 *     has the gauges sampled when it is read: upstream state, sessions, processes)
 * @param tracing OpenTelemetry tracing, when configured and enabled; empty means no tracing at all
 */
public record ObservabilityConfig(boolean metrics, Optional<TracingConfig> tracing) {

    public ObservabilityConfig {
        Objects.requireNonNull(tracing, "tracing");
    }

    /** Metrics on, tracing off. */
    public static ObservabilityConfig defaults() {
        return new ObservabilityConfig(true, Optional.empty());
    }
}
