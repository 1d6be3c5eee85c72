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
 */
public record PluginContext(@Nullable String upstream, Principal principal, String clientId, Direction direction,
        long startNanos) {

    public PluginContext {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(direction, "direction");
    }

    /** The same context for the other direction (a request's response). */
    public PluginContext toClient() {
        return direction == Direction.TO_CLIENT ? this
                : new PluginContext(upstream, principal, clientId, Direction.TO_CLIENT, startNanos);
    }
}
