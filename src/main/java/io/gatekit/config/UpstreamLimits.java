package io.gatekit.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the gateway lets through to one upstream (ADR 0018); every part applies on a hot reload without a restart
 * (except that an HTTP upstream's connection pool is sized from {@code maxInFlight}, so a change of it restarts one).
 *
 * @param maxInFlight concurrent requests the gateway sends this upstream ({@code max_in_flight})
 * @param maxQueued requests that may wait for a slot, beyond which the next is refused ({@code max_queued}; default
 *     {@code proxy.limits.max_queued_per_upstream}); 0 refuses at once when the ceiling is full
 * @param maxInFlightPerTool tighter ceilings for single tools, by the upstream's own tool name
 *     ({@code max_in_flight_per_tool}); a call waits for its tool's slot first, then for the upstream's
 * @param rateLimit requests per second this upstream is sent, if limited ({@code rate_limit})
 */
public record UpstreamLimits(int maxInFlight, int maxQueued, Map<String, Integer> maxInFlightPerTool,
        Optional<RateLimitConfig> rateLimit) {

    public UpstreamLimits {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max_in_flight must be >= 1, got " + maxInFlight);
        }
        if (maxQueued < 0) {
            throw new IllegalArgumentException("max_queued must be >= 0, got " + maxQueued);
        }
        maxInFlightPerTool = Map.copyOf(maxInFlightPerTool);
        maxInFlightPerTool.forEach((tool, ceiling) -> {
            if (ceiling < 1) {
                throw new IllegalArgumentException("max_in_flight_per_tool." + tool + " must be >= 1, got " + ceiling);
            }
        });
        Objects.requireNonNull(rateLimit, "rateLimit");
    }

    /** A ceiling and the default queue, nothing else. */
    public static UpstreamLimits ofCeiling(int maxInFlight) {
        return new UpstreamLimits(maxInFlight, LimitsConfig.DEFAULT_QUEUED_PER_UPSTREAM, Map.of(), Optional.empty());
    }

    /** The same limits with another in-flight ceiling. */
    public UpstreamLimits withMaxInFlight(int ceiling) {
        return new UpstreamLimits(ceiling, maxQueued, maxInFlightPerTool, rateLimit);
    }
}
