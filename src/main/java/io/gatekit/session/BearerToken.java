package io.gatekit.session;

import java.util.Objects;

/**
 * The access token a caller presented and authentication accepted, kept in memory for one purpose: exchanging it for
 * a token minted for an upstream (RFC 8693, {@code token_exchange}). It is never logged ({@link #toString} hides it),
 * never persisted (a scale-out session token carries the subject and claims only) and never forwarded.
 */
public record BearerToken(String value) {

    public BearerToken {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return "BearerToken[hidden]";
    }
}
