package io.gatekit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.ConformanceSuite;
import io.gatekit.testing.Processes;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"initialize", "tools_call", "elicitation-sep1034-client-defaults", "sse-retry"})
    void scenario_passes(String scenario) throws Exception {
        // The suite splits the command on spaces and runs it in a shell: none of these parts has either.
        String command = String.join(" ", Processes.javaMain(ConformanceClient.class.getName()));
        ConformanceSuite.Run run = ConformanceSuite.run(dir, scenario, 120, "client", "--command", command,
                "--scenario", scenario, "--timeout", "90000");
        String output = run.output();
        assertThat(run.ended()).as("conformance %s ended within 120 s:%n%s", scenario, output).isTrue();
        assertThat(output).as("conformance %s%n%s", scenario, output).contains("OVERALL: PASSED");
        assertThat(run.exitCode()).as("conformance %s exit code%n%s", scenario, output).isZero();
    }
}
