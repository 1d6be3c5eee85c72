package io.gatekit.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatekit.config.ConfigLoader;
import io.gatekit.config.UpstreamConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an upstream process finds in its environment: a real child ({@code env}, which prints it) configured
 * through YAML as a gateway would configure it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UpstreamEnvironmentTest {

    private static UpstreamConfig upstream(String extra) {
        return ConfigLoader.parse("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: printer
                      command: ["env"]
                      env: {GATEKIT_TEST_VAR: "from config"}
                %s
                """.formatted(extra), "test.yaml", Path.of("."), Map.of()).proxy().upstreams().getFirst();
    }

    /** Runs the configured upstream to its end and parses what it printed. */
    private static Map<String, String> childEnvironment(UpstreamConfig config) throws IOException, InterruptedException {
        UpstreamProcess process = UpstreamProcess.spawn(config);
        String printed = new String(process.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        process.stop(Duration.ofMillis(100));
        Map<String, String> env = new HashMap<>();
        printed.lines().filter(line -> line.indexOf('=') > 0)
                .forEach(line -> env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
        return env;
    }

    @Test
    void byDefault_theChildGetsOnlyTheSafeFewAndItsOwnEnv() throws Exception {
        Set<String> unsafe = new java.util.HashSet<>(System.getenv().keySet());
        unsafe.removeAll(ChildEnvironment.POSIX_SAFE);
        assumeTrue(!unsafe.isEmpty(), "the test JVM has variables outside the safe list");
        UpstreamConfig config = upstream("");
        assertThat(config.inheritEnv()).isFalse();
        Map<String, String> env = childEnvironment(config);
        assertThat(env).containsEntry("GATEKIT_TEST_VAR", "from config")
                .containsEntry("PATH", System.getenv("PATH"));
        Set<String> allowed = new java.util.HashSet<>(ChildEnvironment.POSIX_SAFE);
        allowed.add("GATEKIT_TEST_VAR");
        assertThat(env.keySet()).isSubsetOf(allowed).doesNotContainAnyElementsOf(unsafe);
    }

    @Test
    void inheritEnvTrue_passesTheWholeEnvironment() throws Exception {
        UpstreamConfig config = upstream("      inherit_env: true");
        assertThat(config.inheritEnv()).isTrue();
        Map<String, String> env = childEnvironment(config);
        Map<String, String> expected = new HashMap<>(System.getenv());
        expected.put("GATEKIT_TEST_VAR", "from config");
        assertThat(env).containsAllEntriesOf(expected);
    }

    @Test
    void exportedShellFunctions_areNeverPassedImplicitly() {
        Map<String, String> env = ChildEnvironment.of(Map.of("SHELL", "() { evil; }", "HOME", "/h", "SECRET", "x"),
                Map.of("EXTRA", "1"), false);
        assertThat(env).isEqualTo(Map.of("HOME", "/h", "EXTRA", "1"));
    }
}
