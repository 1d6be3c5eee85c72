package io.gatekit.cli;

import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayProcess;
import io.gatekit.testing.Processes;
import io.gatekit.testing.TestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Hot reload of the config file under a running gateway process, and {@code gatekit status} reporting it. */
@Timeout(90)
class HotReloadAndStatusTest {
    @TempDir
    Path dir;

    private static final String ONE = """
            proxy:
              transport: stdio
              hot_reload: enabled
              upstreams:
                - name: keep
                  command: %DEMO%
                - name: drop
                  command: %DEMO%
            """;

    private static final String TWO = """
            proxy:
              transport: stdio
              hot_reload: enabled
              upstreams:
                - name: keep
                  command: %DEMO%
                - name: added
                  command: %DEMO%
            """;

    @Test
    void editedConfig_addsAndRemovesUpstreams_withoutDisturbingInFlightCalls() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(dir, ONE)) {
            TestClient client = gateway.client;
            client.initialize(null);
            assertThat(text(client.call("tools/call", toolCall("drop__echo", "message", "x")))).isEqualTo("x");
            CompletableFuture<JsonNode> inFlight = client.request("tools/call", toolCall("keep__sleep", "ms", 3000));
            client.notifications.clear();
            Files.writeString(dir.resolve("gatekit.yaml"), TWO.replace("%DEMO%", Processes.demoServerYaml()));
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    client.call("tools/call", toolCall("added__echo", "message", "y")).has("result"));
            assertThat(client.call("tools/call", toolCall("drop__echo", "message", "x")).path("error").path("message").asString())
                    .contains("no upstream named 'drop'");
            assertThat(text(TestClient.await(inFlight, Duration.ofSeconds(10)))).isEqualTo("slept 3000 ms");
            assertThat(client.notifications).anyMatch(n -> n.path("method").asString().equals("notifications/tools/list_changed"));
            assertThat(client.call("tools/list", null).path("result").path("tools").findValuesAsString("name"))
                    .contains("keep__echo", "added__echo").noneMatch(n -> n.startsWith("drop__"));
        }
    }

    @Test
    void invalidEdit_isLogged_andTheRunningConfigStays() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(dir, ONE)) {
            gateway.client.initialize(null);
            Files.writeString(dir.resolve("gatekit.yaml"), "proxy:\n  transport: stdio\n  upstreams: []\n  bogus: 1\n");
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> gateway.stderrText().contains("keeping the running configuration"));
            assertThat(gateway.stderrText()).contains("gatekit.yaml:4:");
            assertThat(text(gateway.client.call("tools/call", toolCall("drop__echo", "message", "still")))).isEqualTo("still");
        }
    }

    @Test
    void statusCommand_showsEachUpstreamOfARunningGateway() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(dir, ONE)) {
            gateway.client.initialize(null);
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                String out = runStatus();
                assertThat(out).contains("gateway pid " + gateway.process.pid());
                assertThat(out).containsPattern("keep\\s+READY").containsPattern("drop\\s+READY");
            });
        }
    }

    private static String runStatus() throws Exception {
        Process status = new ProcessBuilder(Processes.gatekit("status")).redirectErrorStream(true).start();
        String out = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(status.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
