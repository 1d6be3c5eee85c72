package io.gatekit.cli;

import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Closing stdin ends the gateway and every process it started, even with requests in flight. */
@Timeout(60)
class ShutdownTest {
    @TempDir
    Path dir;

    @Test
    void stdinEof_withCallsInFlight_exitsAndLeavesNoOrphans() throws Exception {
        GatewayProcess gateway = GatewayProcess.start(dir, """
                proxy:
                  transport: stdio
                  upstreams:
                    - name: one
                      command: %DEMO%
                    - name: two
                      command: %DEMO%
                """);
        try {
            gateway.client.initialize(null);
            gateway.client.request("tools/call", toolCall("one__sleep", "ms", 60_000));
            gateway.client.request("tools/call", toolCall("two__sleep", "ms", 60_000));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> gateway.descendants().size() >= 2);
            List<ProcessHandle> children = gateway.descendants();
            assertThat(gateway.closeAndWait(20)).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
            assertThat(gateway.stderrText()).contains("shutting down");
        } finally {
            gateway.close();
        }
    }

    @Test
    void stdinClosedRightAfterRequests_requestsStillAnswered() throws Exception {
        GatewayProcess gateway = GatewayProcess.start(dir, """
                proxy:
                  transport: stdio
                  upstreams:
                    - name: one
                      command: %DEMO%
                """);
        try {
            var init = gateway.client.request("initialize", io.gatekit.testing.TestClient.object()
                    .put("protocolVersion", "2025-11-25"));
            var echo = gateway.client.request("tools/call", toolCall("one__echo", "message", "piped"));
            // Like `printf ... | gatekit gateway`: input ends before the upstream has even started.
            assertThat(gateway.closeAndWait(30)).isZero();
            assertThat(io.gatekit.testing.TestClient.await(init, Duration.ofSeconds(1)).path("result").has("protocolVersion")).isTrue();
            assertThat(io.gatekit.testing.TestClient.text(io.gatekit.testing.TestClient.await(echo, Duration.ofSeconds(1))))
                    .isEqualTo("piped");
        } finally {
            gateway.close();
        }
    }

    /** The grace after input ends counts from when the upstream is up: one that takes longer than the grace (6 s) to start still answers. */
    @Test
    void stdinClosedWhileTheUpstreamTakesLongerThanTheGraceToStart_requestsStillAnswered() throws Exception {
        java.util.List<String> slowDemo = new java.util.ArrayList<>(java.util.List.of("sh", "-c", "sleep 6; exec \"$0\" \"$@\""));
        slowDemo.addAll(io.gatekit.testing.Processes.gatekit("demo-server"));
        GatewayProcess gateway = GatewayProcess.start(dir, """
                proxy:
                  transport: stdio
                  upstreams:
                    - name: one
                      command: %s
                """.formatted(io.gatekit.testing.Processes.yamlList(slowDemo)));
        try {
            var echo = gateway.client.request("tools/call", toolCall("one__echo", "message", "late but answered"));
            assertThat(gateway.closeAndWait(30)).isZero();
            assertThat(io.gatekit.testing.TestClient.text(io.gatekit.testing.TestClient.await(echo, Duration.ofSeconds(1))))
                    .isEqualTo("late but answered");
        } finally {
            gateway.close();
        }
    }

    @Test
    void sigterm_stopsUpstreamsToo() throws Exception {
        GatewayProcess gateway = GatewayProcess.start(dir, """
                proxy:
                  transport: stdio
                  upstreams:
                    - name: one
                      command: %DEMO%
                """);
        try {
            gateway.client.initialize(null);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !gateway.descendants().isEmpty());
            List<ProcessHandle> children = gateway.descendants();
            gateway.process.destroy();
            assertThat(gateway.process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            gateway.close();
        }
    }
}
