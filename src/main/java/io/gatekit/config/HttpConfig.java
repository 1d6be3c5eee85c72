package io.gatekit.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code proxy.http} section: where the client-facing Streamable HTTP endpoint listens, and how it guards
 * and bounds its sessions.
 *
 * @param host interface to bind, default {@code 127.0.0.1} so nothing is exposed by accident
 * @param port 0 to 65535 (0: any free port), default 8080
 * @param path endpoint path, starts with {@code /}, default {@code /mcp}
 * @param allowedHosts {@code Host} names accepted (DNS-rebinding protection; the port is ignored); {@code *}
 *     accepts any. Default: localhost, 127.0.0.1, [::1], plus the bound host
 * @param allowedOrigins {@code Origin} hosts accepted when a request carries one; {@code *} accepts any. Default:
 *     the same loopback names
 * @param sessionIdleTimeout a session with no request and no open stream for this long ends, default 30 min
 * @param maxSessions sessions open at once; beyond it {@code initialize} is refused with 503, default 10000
 * @param sseKeepAlive interval of SSE keep-alive comments (they also detect vanished clients), default 15 s
 * @param headerTimeout a request's line and headers must arrive within this long of its first byte, else the
 *     connection is closed (slowloris), default 10 s
 * @param bodyTimeout a request's body must arrive within this long of its headers, else the connection is
 *     closed, default 30 s
 * @param tls serve HTTPS with this key store; empty for plain HTTP
 * @param auth who may call: JWT bearer tokens, API keys, or nobody checked ({@link AuthConfig#NONE})
 * @param scaleOut session tokens and shared state for several instances behind a load balancer; empty for one
 */
public record HttpConfig(String host, int port, String path, List<String> allowedHosts, List<String> allowedOrigins,
        Duration sessionIdleTimeout, int maxSessions, Duration sseKeepAlive, Duration headerTimeout, Duration bodyTimeout,
        java.util.Optional<TlsConfig> tls, AuthConfig auth, java.util.Optional<ScaleOutConfig> scaleOut) {

    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 8080;
    static final String DEFAULT_PATH = "/mcp";
    public static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "[::1]");
    static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofMinutes(30);
    static final int DEFAULT_MAX_SESSIONS = 10_000;
    static final Duration DEFAULT_SSE_KEEP_ALIVE = Duration.ofSeconds(15);
    static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);

    public HttpConfig {
        if (Objects.requireNonNull(host, "host").isBlank()) {
            throw new IllegalArgumentException("http host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("http port must be 0..65535, got " + port);
        }
        if (!Objects.requireNonNull(path, "path").startsWith("/")) {
            throw new IllegalArgumentException("http path must start with '/', got " + path);
        }
        allowedHosts = List.copyOf(allowedHosts);
        allowedOrigins = List.copyOf(allowedOrigins);
        if (Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout").isNegative() || sessionIdleTimeout.isZero()) {
            throw new IllegalArgumentException("http session_idle_timeout must be positive");
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("http max_sessions must be at least 1, got " + maxSessions);
        }
        if (Objects.requireNonNull(sseKeepAlive, "sseKeepAlive").isNegative() || sseKeepAlive.isZero()) {
            throw new IllegalArgumentException("http sse_keep_alive must be positive");
        }
        if (Objects.requireNonNull(headerTimeout, "headerTimeout").isNegative() || headerTimeout.isZero()) {
            throw new IllegalArgumentException("http header_timeout must be positive");
        }
        if (Objects.requireNonNull(bodyTimeout, "bodyTimeout").isNegative() || bodyTimeout.isZero()) {
            throw new IllegalArgumentException("http body_timeout must be positive");
        }
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(scaleOut, "scaleOut");
    }

    /** Where to listen, with every guard and bound at its default. */
    public HttpConfig(String host, int port, String path) {
        this(host, port, path, LOOPBACK_NAMES, LOOPBACK_NAMES, DEFAULT_SESSION_IDLE_TIMEOUT, DEFAULT_MAX_SESSIONS,
                DEFAULT_SSE_KEEP_ALIVE, DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT, java.util.Optional.empty(), AuthConfig.NONE,
                java.util.Optional.empty());
    }

    /** Every field at its default. */
    public static HttpConfig defaults() {
        return new HttpConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_PATH);
    }

    /** The same with other guards and bounds (tests and embedders). */
    public HttpConfig with(Duration idleTimeout, int sessions, Duration keepAlive) {
        return new HttpConfig(host, port, path, allowedHosts, allowedOrigins, idleTimeout, sessions, keepAlive,
                headerTimeout, bodyTimeout, tls, auth, scaleOut);
    }

    /** The same with other authentication (tests and embedders). */
    public HttpConfig withAuth(AuthConfig authentication) {
        return new HttpConfig(host, port, path, allowedHosts, allowedOrigins, sessionIdleTimeout, maxSessions,
                sseKeepAlive, headerTimeout, bodyTimeout, tls, authentication, scaleOut);
    }

    /**
     * Whether serving this config would expose the gateway, unauthenticated, beyond this machine without the
     * operator having said so: a host that is not a loopback address, no credential required, and no
     * {@code allow_unauthenticated: true}.
     */
    public boolean exposedWithoutConsent() {
        return !auth.isEnabled() && !auth.allowUnauthenticated() && !isLoopback(host);
    }

    /**
     * {@code localhost}, or an IP literal in 127.0.0.0/8 or ::1. Any other name counts as exposed: what it resolves
     * to can change after the check.
     */
    static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return java.net.InetAddress.ofLiteral(bare).isLoopbackAddress();
        } catch (IllegalArgumentException notLiteral) {
            return false;
        }
    }

    /** The same, serving sessions that any instance sharing {@code scale} can continue. */
    public HttpConfig with(ScaleOutConfig scale) {
        return new HttpConfig(host, port, path, allowedHosts, allowedOrigins, sessionIdleTimeout, maxSessions,
                sseKeepAlive, headerTimeout, bodyTimeout, tls, auth, java.util.Optional.of(scale));
    }
}
