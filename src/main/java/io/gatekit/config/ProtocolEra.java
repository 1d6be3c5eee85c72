package io.gatekit.config;

/** An upstream's {@code protocol_era}: which MCP era the gateway speaks to it. */
public enum ProtocolEra implements ConfigChoice {
    /** Probe {@code server/discover}; modern when the server offers it, else legacy. */
    AUTO,
    /** Always {@code initialize} and a session (the handshake era). */
    LEGACY,
    /** Always the modern (2026-07-28, stateless) era, or fail clearly; http upstreams only. */
    MODERN
}
