package io.gatekit.config;

import static io.gatekit.config.ConfigTesting.parse;
import static io.gatekit.config.ConfigTesting.problems;
import static io.gatekit.config.ConfigTesting.withUpstreams;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fleet keys (replicas, max_processes, session_mode, session_idle_timeout) and the global process cap. */
class FleetConfigTest {

    @Test
    void defaults_oneSharedProcess() {
        UpstreamConfig upstream = parse(withUpstreams("    - {name: a, command: [x]}\n")).proxy().upstreams().getFirst();

        assertThat(upstream.fleet()).isEqualTo(FleetConfig.SINGLE);
        assertThat(parse(withUpstreams("    - {name: a, command: [x]}\n")).proxy().limits().maxUpstreamProcesses())
                .isEqualTo(64);
    }

    @Test
    void perClient_defaultsLeaveRoomForSixteenClientSessions() {
        UpstreamConfig upstream = parse(withUpstreams("""
                    - name: a
                      command: [x]
                      replicas: 2
                      session_mode: per_client
                      session_idle_timeout: 1.5
                """)).proxy().upstreams().getFirst();

        assertThat(upstream.fleet()).isEqualTo(new FleetConfig(2, 18, SessionMode.PER_CLIENT, Duration.ofMillis(1500)));
        assertThat(upstream.fleet().maxClientSessions()).isEqualTo(16);
    }

    @Test
    void maxProcessesBelowReplicas_reportedAtItsLine() {
        List<ConfigProblem> problems = problems(withUpstreams("""
                    - name: a
                      command: [x]
                      replicas: 3
                      max_processes: 2
                """));

        assertThat(problems).singleElement().hasToString("test.yaml:7:22: proxy.upstreams[0].max_processes: max_processes"
                + " (2) must be at least replicas (3): the shared replicas alone would exceed it");
    }

    @Test
    void perClientWithoutRoomForSessions_reported() {
        List<ConfigProblem> problems = problems(withUpstreams("""
                    - name: a
                      command: [x]
                      session_mode: auto
                      max_processes: 1
                """));

        assertThat(problems).singleElement().hasToString("test.yaml:7:22: proxy.upstreams[0].max_processes: session_mode"
                + " auto needs room for per-client sessions: max_processes (1) leaves none beside the 1 shared replica(s)");
    }

    @Test
    void fleetKeysOnAnHttpUpstream_reportedEach() {
        List<ConfigProblem> problems = problems(withUpstreams("""
                    - name: remote
                      transport: http
                      url: https://example.com/mcp
                      replicas: 2
                      session_mode: per_client
                """));

        assertThat(problems).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "test.yaml:7:17: proxy.upstreams[0].replicas: replicas applies to stdio upstreams only (an http upstream"
                        + " is one connection; its server scales itself)",
                "test.yaml:8:21: proxy.upstreams[0].session_mode: session_mode applies to stdio upstreams only (an http"
                        + " upstream is one connection; its server scales itself)");
    }

    @Test
    void replicasOverTheGlobalCap_reported() {
        List<ConfigProblem> problems = problems("""
                proxy:
                  transport: stdio
                  limits:
                    max_upstream_processes: 3
                  upstreams:
                    - {name: a, command: [x], replicas: 2}
                    - {name: b, command: [x], replicas: 2}
                    - {name: c, command: [x], replicas: 5, enabled: false}
                """);

        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                "test.yaml:4:29: proxy.limits.max_upstream_processes: the enabled upstreams' replicas add up to 4, over"
                        + " max_upstream_processes (3); raise it or lower replicas",
                "test.yaml:8:41: proxy.upstreams[2].replicas: replicas (5) exceeds proxy.limits.max_upstream_processes (3)");
    }

    @Test
    void unknownSessionMode_listsTheChoices() {
        List<ConfigProblem> problems = problems(withUpstreams("    - {name: a, command: [x], session_mode: private}\n"));

        assertThat(problems).singleElement().asString().contains("session_mode").contains("per_client");
    }
}
