package io.gatekit.cli;

import io.gatekit.Gateway;
import io.gatekit.config.GatewayConfig;
import io.gatekit.config.RestartOnlySettings;
import io.gatekit.observability.Logging;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a hot reload does in the gateway process: names each changed setting that needs a restart in a WARN line
 * (never ignores one silently), applies the {@code logging:} section (logging is the process's, not the gateway's),
 * then has the gateway apply the rest.
 *
 * <p>Concurrency: called on the config watcher's thread only, so {@code applied} needs no guard.
 */
final class LiveReload implements Consumer<GatewayConfig> {
    private static final Logger log = LoggerFactory.getLogger(LiveReload.class);

    private final Gateway gateway;
    private final boolean verbose;
    private final Supplier<String> servingOn;
    /** The config the process started with: restart-only settings are still in force as it says. */
    private final GatewayConfig started;
    /** The config applied last, whose logging section is in force. */
    private GatewayConfig applied;

    /** @param servingOn where the face serves ({@code stdio}, or the HTTP face's URI) */
    LiveReload(Gateway gateway, GatewayConfig started, boolean verbose, Supplier<String> servingOn) {
        this.gateway = gateway;
        this.started = started;
        this.applied = started;
        this.verbose = verbose;
        this.servingOn = servingOn;
    }

    @Override
    public void accept(GatewayConfig next) {
        for (RestartOnlySettings.Change change : RestartOnlySettings.between(started, next, servingOn.get())) {
            log.warn("{} changed: needs a restart; {}", change.field(), change.inForce());
        }
        if (!next.logging().equals(applied.logging())) {
            Logging.configure(next.logging(), verbose);
            log.info("logging reconfigured: level {}, handlers {}", verbose ? "DEBUG (--verbose)" : next.logging().level(),
                    next.logging().handlers());
        }
        gateway.reload(next);
        applied = next;
    }
}
