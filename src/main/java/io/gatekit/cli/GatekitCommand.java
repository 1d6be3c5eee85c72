package io.gatekit.cli;

import picocli.CommandLine.Command;

/** The top-level {@code gatekit} command; the work is in its subcommands. */
@Command(name = "gatekit",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Gatekit: an MCP gateway that presents many upstream MCP servers as one, with security, middleware and auditing plugins on every message.",
        subcommands = {GatewayCommand.class, ValidateCommand.class, SchemaCommand.class, StatusCommand.class, DemoServerCommand.class,
                picocli.CommandLine.HelpCommand.class})
public final class GatekitCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
