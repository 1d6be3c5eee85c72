package io.gatekit.config;

/** An upstream's {@code transport}: how the gateway reaches it. */
public enum UpstreamTransport implements ConfigChoice {
    /** A child process ({@code command}, {@code env}, {@code cwd}). */
    STDIO,
    /** Streamable HTTP ({@code url}). */
    HTTP,
    /** The old HTTP+SSE transport (GET {@code /sse}), for old servers. */
    SSE
}
