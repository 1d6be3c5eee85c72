package io.gatekit.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * The command lines a desktop client runs on every launch, recognised without picocli: {@code gateway} with
 * at most {@code --config FILE} and {@code --verbose}, and {@code demo-server} (which the embedded default starts
 * as its upstream). Building picocli's model of every command is the largest cost of a cold start after the JVM's
 * own (reflection, annotation proxies, ~200 classes), and picocli's Java 5 class files cannot be kept in the AOT
 * cache (ADR 0019). Only these exact forms are taken; anything else (help, version, a typo, a missing value) goes
 * to picocli, so that usage and error messages stay picocli's. {@code LaunchCommandsTest} checks each form against
 * what picocli parses from the same words.
 */
final class LaunchCommands {
    private LaunchCommands() {}

    /** The command these arguments run, when they are one of the launch forms; empty otherwise. */
    static Optional<Callable<Integer>> match(List<String> args) {
        if (args.equals(List.of("demo-server"))) {
            return Optional.of(new DemoServerCommand());
        }
        if (args.isEmpty() || !args.getFirst().equals("gateway")) {
            return Optional.empty();
        }
        @Nullable Path config = null;
        boolean verbose = false;
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            @Nullable String value = null;
            if ((arg.equals("-c") || arg.equals("--config")) && i + 1 < args.size()) {
                value = args.get(++i);
            } else if (arg.startsWith("--config=")) {
                value = arg.substring("--config=".length());
            } else if ((arg.equals("-v") || arg.equals("--verbose")) && !verbose) {
                verbose = true;
                continue;
            }
            if (value == null || value.isEmpty() || value.startsWith("-") || config != null) {
                return Optional.empty(); // picocli's to judge: an unknown word, a missing value, a repeat
            }
            config = Path.of(value);
        }
        GatewayCommand gateway = new GatewayCommand();
        gateway.options = new ConfigOptions();
        gateway.options.config = config;
        gateway.verbose = verbose;
        return Optional.of(gateway);
    }

    /** Runs a matched command as picocli would: its exit code, or 1 with the stack trace when it throws. */
    static int run(Callable<Integer> command) {
        EarlyInit.begin();
        try {
            return command.call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            e.printStackTrace();
            return 1;
        } catch (Exception e) {
            e.printStackTrace();
            return 1;
        }
    }
}
