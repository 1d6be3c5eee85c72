package io.gatekit.plugins;

import io.gatekit.session.Principal;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a plugin knows about a message besides its content.
 *
 * @param upstream the upstream the message goes to or comes from, by its configured name; null when there is none
 *     (the gateway's own methods, merged lists, a client's notification)
 * @param principal who is calling ({@link Principal#ANONYMOUS} until authentication identifies the client)
 * @param clientId the gateway's name for the client session
 * @param direction which way the message travels
 * @param startNanos when the request was read ({@code System.nanoTime()}); for a notification, when it was read
 * @param accessDecision what the access policy decided about the request ({@code allow (rule readers)}, {@code deny
 *     (default)}, {@code filtered} for a merged list); null when no policy decided (none is configured, or the request
 *     names no single item); the policy decides before the plugins see the request
 */
public record PluginContext(@Nullable String upstream, Principal principal, String clientId, Direction direction,
        long startNanos, @Nullable String accessDecision) {

    public PluginContext(@Nullable String upstream, Principal principal, String clientId, Direction direction,
            long startNanos) {
        this(upstream, principal, clientId, direction, startNanos, null);
    }

    public PluginContext {
        // Plugins see who calls, never the token it presented (kept for token exchange only; ADR 0028).
        principal = Objects.requireNonNull(principal, "principal").withoutToken();
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(direction, "direction");
    }

    /** The same context for the other direction (a request's response). */
    public PluginContext toClient() {
        return direction == Direction.TO_CLIENT ? this
                : new PluginContext(upstream, principal, clientId, Direction.TO_CLIENT, startNanos, accessDecision);
    }

    /** The same context with the access policy's decision. */
    public PluginContext withAccessDecision(@Nullable String decision) {
        return new PluginContext(upstream, principal, clientId, direction, startNanos, decision);
    }
}
