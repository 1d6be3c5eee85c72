package io.gatekit.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code proxy.timeouts} section.
 *
 * @param request {@code request_timeout}: how long one upstream request may take, default 60 s
 * @param connection {@code connection_timeout}: bounds starting an upstream and its {@code initialize}, default 60 s
 */
public record TimeoutsConfig(Duration request, Duration connection) {

    static final Duration DEFAULT = Duration.ofSeconds(60);

    public TimeoutsConfig {
        requirePositive(request, "request");
        requirePositive(connection, "connection");
    }

    /** Both timeouts at their 60 s default. */
    public static TimeoutsConfig defaults() {
        return new TimeoutsConfig(DEFAULT, DEFAULT);
    }

    private static void requirePositive(Duration timeout, String name) {
        if (Objects.requireNonNull(timeout, name).isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name + " timeout must be positive, got " + timeout);
        }
    }
}
