package io.gatekit.cli;

import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayProcess;
import io.gatekit.testing.HttpGatewayProcess;
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

    private static final String LIMITS_BEFORE = """
            proxy:
              transport: stdio
              hot_reload: enabled
              timeouts: {request_timeout: 60}
              limits: {max_in_flight_per_client: 10}
              upstreams:
                - name: keep
                  command: %DEMO%
            logging: {level: INFO}
            """;

    private static final String LIMITS_AFTER = """
            proxy:
              transport: stdio
              hot_reload: enabled
              timeouts: {request_timeout: 0.5}
              limits: {max_in_flight_per_client: 1}
              upstreams:
                - name: keep
                  command: %DEMO%
            logging: {level: DEBUG}
            """;

    @Test
    void editedTimeoutsLimitsAndLogLevel_applyToTheRunningGateway() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(dir, LIMITS_BEFORE)) {
            TestClient client = gateway.client;
            client.initialize(null);
            assertThat(text(client.call("tools/call", toolCall("keep__sleep", "ms", 1500)))).isEqualTo("slept 1500 ms");
            client.notify("notifications/gatekit_probe", null);
            client.call("ping", null); // answered after the probe was read, and logged or not
            assertThat(gateway.stderrText()).doesNotContain("notifications/gatekit_probe");

            Files.writeString(dir.resolve("gatekit.yaml"), LIMITS_AFTER.replace("%DEMO%", Processes.demoServerYaml()));
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.stderrText().contains("config reloaded: request_timeout 500 ms"));

            // One request in flight is now this client's ceiling: the next one is refused at once.
            CompletableFuture<JsonNode> slow = client.request("tools/call", toolCall("keep__sleep", "ms", 1500));
            JsonNode refused = client.call("tools/call", toolCall("keep__echo", "message", "x")).path("error");
            assertThat(refused.path("code").asInt()).isEqualTo(-32004);
            assertThat(refused.path("message").asString()).contains("limit 1, proxy.limits.max_in_flight_per_client");
            // The same sleep that passed before now outlives request_timeout.
            JsonNode timedOut = TestClient.await(slow, Duration.ofSeconds(10)).path("error");
            assertThat(timedOut.path("code").asInt()).isEqualTo(-32001);
            assertThat(timedOut.path("message").asString()).contains("timed out after 0.500 s");

            client.notify("notifications/gatekit_probe", null);
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gateway.stderrText())
                    .containsPattern("\\[DEBUG\\].*notification notifications/gatekit_probe not routed"));
        }
    }

    @Test
    void aSettingThatNeedsARestart_isNamedInAWarning_andTheRestIsApplied() throws Exception {
        String http = """
                proxy:
                  transport: http
                  hot_reload: enabled
                  http: {host: 127.0.0.1, port: %s}
                  limits: {max_message_bytes: %s}
                  timeouts: {request_timeout: %s}
                  upstreams:
                    - name: keep
                      command: %DEMO%
                """;
        String withDemo = http.replace("%DEMO%", Processes.demoServerYaml());
        try (HttpGatewayProcess gateway = HttpGatewayProcess.start(dir, withDemo.formatted(0, 1_000_000, 60),
                Duration.ofSeconds(30))) {
            Files.writeString(dir.resolve("gatekit.yaml"), withDemo.formatted(1, 2_000_000, 7));
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.stderrText().contains("config reloaded: request_timeout 7000 ms"));
            assertThat(gateway.stderrText())
                    .contains("[WARN] ", "proxy.http.port changed: needs a restart; still serving on " + gateway.uri)
                    .contains("proxy.limits.max_message_bytes changed: needs a restart; still limiting messages to"
                            + " 1000000 bytes");
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
