package io.gatekit.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How many processes a stdio upstream runs and who shares them (ADR 0023).
 *
 * @param replicas processes shared by every client ({@code replicas}, default 1); a call goes to the least loaded
 * @param maxProcesses the hard cap on this upstream's processes, shared replicas and per-client sessions together
 *     ({@code max_processes}; default: {@code replicas} in shared mode, {@code replicas} + 16 otherwise)
 * @param sessionMode {@code shared}, {@code per_client} or {@code auto} ({@code session_mode}, default shared)
 * @param sessionIdleTimeout a per-client session with nothing in flight for this long is stopped
 *     ({@code session_idle_timeout}, default 300 s)
 */
public record FleetConfig(int replicas, int maxProcesses, SessionMode sessionMode, Duration sessionIdleTimeout) {

    static final int DEFAULT_EXTRA_SESSIONS = 16;
    static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofMinutes(5);

    /** One shared process: the default, and the only shape an HTTP upstream has. */
    public static final FleetConfig SINGLE = new FleetConfig(1, 1, SessionMode.SHARED, DEFAULT_SESSION_IDLE_TIMEOUT);

    public FleetConfig {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be >= 1, got " + replicas);
        }
        if (maxProcesses < replicas) {
            throw new IllegalArgumentException("max_processes (" + maxProcesses + ") must be at least replicas ("
                    + replicas + ")");
        }
        Objects.requireNonNull(sessionMode, "sessionMode");
        Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
    }

    /** The default cap for a fleet of {@code replicas} in {@code mode}. */
    static int defaultMaxProcesses(int replicas, SessionMode mode) {
        return mode == SessionMode.SHARED ? replicas : replicas + DEFAULT_EXTRA_SESSIONS;
    }

    /** Whether clients may get sessions of their own (per_client, or auto once the upstream asks for it). */
    public boolean mayLeaseSessions() {
        return sessionMode != SessionMode.SHARED;
    }

    /** How many per-client sessions fit beside the shared replicas. */
    public int maxClientSessions() {
        return maxProcesses - replicas;
    }
}
