package io.gatekit.config;

import java.util.Objects;

/**
 * The {@code proxy.admin:} section: a small HTTP listener serving {@code /metrics}, {@code /healthz} and
 * {@code /readyz} for a gateway whose clients do not reach it over HTTP (stdio). Off unless configured.
 *
 * @param host the address to bind, loopback by default
 * @param port the port; 0 picks a free one
 */
public record AdminConfig(String host, int port) {
    static final String DEFAULT_HOST = "127.0.0.1";

    public AdminConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("admin port must be 0..65535, got " + port);
        }
    }
}
