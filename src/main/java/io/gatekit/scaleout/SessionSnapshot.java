package io.gatekit.scaleout;

import io.gatekit.session.ClientInfo;
import io.gatekit.session.Principal;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What any instance needs to serve the next request of a session, as its token carries it: who is calling, what
 * the client negotiated and declared at {@code initialize}, its log level then, and when the session began.
 */
public record SessionSnapshot(Principal principal, ClientInfo info, @Nullable String logLevel, Instant issuedAt) {
    public SessionSnapshot {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(issuedAt, "issuedAt");
    }
}
