package io.gatekit.observability;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcError;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How a request ended, as a bounded metric label: a result, an error by class of code, a cancellation, a timeout.
 */
public enum Outcome {
    OK,
    /** The request was bad (-32700, -32600 to -32602, and the gateway's version/header errors). */
    CLIENT_ERROR,
    /** The gateway refused it for load (-32004). */
    REFUSED,
    /** A plugin blocked it or failed (-32010, -32011). */
    BLOCKED,
    /** The upstream was unavailable, closed, or the gateway shutting down (-32000, -32005, -32006). */
    UPSTREAM_UNAVAILABLE,
    /** The request timed out (-32001). */
    TIMEOUT,
    /** Any other error (an upstream's own errors, -32603). */
    SERVER_ERROR,
    /** The client withdrew it (or went away). */
    CANCELLED;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }

    /** The outcome of an answer; {@code error} null means a result. */
    public static Outcome of(@Nullable JsonRpcError error) {
        if (error == null) {
            return OK;
        }
        int code = error.code();
        if (code == ErrorCode.OVERLOADED.code()) {
            return REFUSED;
        }
        if (code == ErrorCode.REQUEST_TIMEOUT.code()) {
            return TIMEOUT;
        }
        if (code == ErrorCode.BLOCKED_BY_POLICY.code() || code == ErrorCode.PLUGIN_FAILED.code()) {
            return BLOCKED;
        }
        if (code == ErrorCode.UPSTREAM_UNAVAILABLE.code() || code == ErrorCode.UPSTREAM_CLOSED.code()
                || code == ErrorCode.SHUTTING_DOWN.code()) {
            return UPSTREAM_UNAVAILABLE;
        }
        if (code == ErrorCode.PARSE_ERROR.code() || (code >= -32602 && code <= -32600) || (code <= -32020 && code >= -32029)) {
            return CLIENT_ERROR;
        }
        return SERVER_ERROR;
    }
}
