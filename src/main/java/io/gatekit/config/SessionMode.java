package io.gatekit.config;

/**
 * An upstream's {@code session_mode}: whether its clients share its processes or each gets a session of its own
 * (stdio upstreams only; ADR 0023).
 */
public enum SessionMode implements ConfigChoice {
    /** Every client's calls go to the shared replicas (the default: one process for everyone). */
    SHARED,
    /** Each client's calls go to a process leased for that client alone, from the capped pool. */
    PER_CLIENT,
    /**
     * Shared until the upstream sends a server-to-client request (sampling, roots, elicitation: it keeps state
     * about whoever it is talking to); per-client from then on.
     */
    AUTO
}
