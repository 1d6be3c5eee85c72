package io.gatekit.config;

import java.util.Objects;

/**
 * The {@code proxy.http} section: where the client-facing Streamable HTTP endpoint listens.
 *
 * @param host interface to bind, default {@code 127.0.0.1} so nothing is exposed by accident
 * @param port 1 to 65535, default 8080
 * @param path endpoint path, starts with {@code /}, default {@code /mcp}
 */
public record HttpConfig(String host, int port, String path) {

    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 8080;
    static final String DEFAULT_PATH = "/mcp";

    public HttpConfig {
        if (Objects.requireNonNull(host, "host").isBlank()) {
            throw new IllegalArgumentException("http host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("http port must be 1..65535, got " + port);
        }
        if (!Objects.requireNonNull(path, "path").startsWith("/")) {
            throw new IllegalArgumentException("http path must start with '/', got " + path);
        }
    }

    /** Every field at its default. */
    public static HttpConfig defaults() {
        return new HttpConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_PATH);
    }
}
