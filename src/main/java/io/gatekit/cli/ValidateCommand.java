package io.gatekit.cli;

import io.gatekit.Gateway;
import io.gatekit.config.ConfigException;
import io.gatekit.config.GatewayConfig;
import io.gatekit.config.UpstreamConfig;
import io.gatekit.routing.Routing;
import io.gatekit.routing.ToolAlias;
import io.gatekit.routing.ToolNames;
import io.gatekit.upstream.Upstream;
import io.gatekit.upstream.UpstreamProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gatekit validate --config FILE}: checks a config; exit 0 when valid, 1 with every problem listed. With
 * {@code --connect} it also starts the enabled upstreams, lists their tools as a client would see them, reports
 * every tool listed under an alias (a warning) and every upstream left out (exit 2), then stops them. For each enabled
 * sandboxed upstream it prints the command the gateway would run (bubblewrap's arguments in full), or why its
 * sandbox cannot be set up here (exit 2: the gateway would not start that upstream).
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a configuration file and report every problem with file, line and field.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the config is valid (tools listed under an alias are warnings)", "1:the config is invalid",
                "2:a sandboxed upstream's sandbox cannot be set up here, or, with --connect, an upstream failed to"
                        + " start or to list its tools"})
final class ValidateCommand implements Callable<Integer> {
    static final int UPSTREAM_FAILED = 2;

    @Mixin
    ConfigOptions options;

    @Option(names = "--connect", description = "Also start the enabled upstreams, list their tools, report the tools"
            + " listed under a provider-safe alias and the upstreams that failed, then stop them.")
    boolean connect;

    @Override
    public Integer call() {
        try {
            GatewayConfig config = options.load();
            System.err.println("OK: " + config.source().map(Object::toString).orElse("embedded default") + " ("
                    + config.proxy().upstreams().size() + " upstreams, " + config.proxy().enabledUpstreams().size()
                    + " enabled)");
            int sandboxes = reportSandboxes(config);
            return Math.max(sandboxes, connect ? connect(config) : 0);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }

    /** Prints what each enabled sandboxed upstream would run; UPSTREAM_FAILED if any sandbox cannot be set up. */
    private static int reportSandboxes(GatewayConfig config) {
        int exit = 0;
        for (UpstreamConfig upstream : config.proxy().enabledUpstreams()) {
            if (!upstream.sandbox().enabled()) {
                continue;
            }
            try {
                System.out.println("upstream " + upstream.name() + " runs sandboxed: "
                        + ShellWords.join(UpstreamProcess.launchCommand(upstream)));
            } catch (IOException e) {
                System.out.println("upstream " + upstream.name() + ": FAILED: " + e.getMessage());
                exit = UPSTREAM_FAILED;
            }
        }
        return exit;
    }

    /** Runs the upstreams just long enough to list their tools; the report goes to stdout, logs to stderr. */
    private int connect(GatewayConfig config) {
        try (Gateway gateway = new Gateway(config, Version.current(), options.registry())) {
            gateway.start();
            Duration startWait = config.proxy().timeouts().connection().plusSeconds(1);
            gateway.upstreams().forEach(upstream -> upstream.awaitFirstAttempt(startWait));
            Routing.ToolListing listing = gateway.listTools();
            for (Upstream upstream : gateway.upstreams()) {
                String problem = listing.leftOut().get(upstream.name());
                System.out.println("upstream " + upstream.name() + ": "
                        + (problem == null ? upstream.state().name().toLowerCase(java.util.Locale.ROOT) : "FAILED: " + problem));
            }
            for (ToolAlias alias : listing.aliases()) {
                System.out.println("alias " + alias.alias() + " for tool " + ToolNames.quoted(alias.original())
                        + " of upstream " + alias.upstream() + ": " + alias.reason().description());
            }
            System.out.println(listing.tools() + " tools, " + listing.aliases().size() + " listed under an alias, "
                    + listing.leftOut().size() + " upstream(s) failed");
            return listing.leftOut().isEmpty() ? 0 : UPSTREAM_FAILED;
        }
    }
}
