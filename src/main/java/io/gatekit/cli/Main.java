package io.gatekit.cli;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** Entry point of the {@code gatekit} executable. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this without exiting). */
    public static int run(String... args) {
        // The launch forms skip picocli: a desktop client waits on them at every start (LaunchCommands).
        Optional<Callable<Integer>> launch = LaunchCommands.match(List.of(args));
        if (launch.isPresent()) {
            return LaunchCommands.run(launch.get());
        }
        CommandLine cli = new CommandLine(new GatekitCommand());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // Usage and errors go to stderr: on the stdio face, stdout belongs to MCP messages alone.
        if (args.length > 0 && "gateway".equals(args[0])) {
            cli.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(System.err, System.err.charset()), true));
        }
        return cli.execute(args);
    }
}
