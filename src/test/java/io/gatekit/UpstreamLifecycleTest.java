package io.gatekit;

import static io.gatekit.testing.TestClient.await;
import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.TestClient;
import io.gatekit.upstream.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/** Upstream death mid-flight, restart with backoff, isolation from other upstreams, and clean shutdown. */
@Timeout(90)
class UpstreamLifecycleTest {

    @Test
    void upstreamKilledMidFlight_failsPendingFast_restarts_callsMeanwhileWait_andOtherUpstreamUnaffected() {
        try (GatewayFixture fixture = GatewayFixture.start("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: victim
                      command: %DEMO%
                    - name: bystander
                      command: %DEMO%
                """)) {
            TestClient client = fixture.connect();
            client.initialize(null);
            fixture.awaitReady("victim");
            fixture.awaitReady("bystander");
            long oldPid = fixture.upstream("victim").pid().orElseThrow();
            List<CompletableFuture<JsonNode>> doomed = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                doomed.add(client.request("tools/call", toolCall("victim__sleep", "ms", 30_000)));
            }
            CompletableFuture<JsonNode> survivor = client.request("tools/call", toolCall("bystander__sleep", "ms", 1500));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fixture.upstream("victim").inFlightCount() == 20);
            ProcessHandle.of(oldPid).orElseThrow().destroyForcibly();
            for (CompletableFuture<JsonNode> call : doomed) {
                JsonNode response = await(call, Duration.ofSeconds(5));
                assertThat(response.path("error").path("code").asInt()).isEqualTo(-32005);
                assertThat(response.path("error").path("message").asString()).contains("Upstream 'victim'").contains("exited");
            }
            // A call that arrives while the upstream is restarting waits for it instead of failing.
            Awaitility.await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(20)).until(() ->
                    fixture.upstream("victim").state() != Upstream.State.READY || fixture.upstream("victim").restarts() > 0);
            CompletableFuture<JsonNode> duringRestart = client.request("tools/call", toolCall("victim__echo", "message", "waited"));
            assertThat(text(await(survivor, Duration.ofSeconds(10)))).isEqualTo("slept 1500 ms");
            assertThat(text(await(duringRestart, Duration.ofSeconds(30)))).isEqualTo("waited");
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(fixture.upstream("victim").state()).isEqualTo(Upstream.State.READY);
                assertThat(fixture.upstream("victim").pid()).isPresent().get().isNotEqualTo(oldPid);
            });
            assertThat(fixture.upstream("victim").restarts()).isEqualTo(1);
            assertThat(text(client.call("tools/call", toolCall("victim__echo", "message", "back")))).isEqualTo("back");
        }
    }

    @Test
    void upstreamThatCannotStart_givesClearError_andGatewayKeepsServingOthers() {
        try (GatewayFixture fixture = GatewayFixture.start("""
                proxy:
                  transport: stdio
                  timeouts:
                    connection_timeout: 5
                  upstreams:
                    - name: broken
                      command: ["/nonexistent/mcp-server"]
                    - name: demo
                      command: %DEMO%
                """)) {
            TestClient client = fixture.connect();
            client.initialize(null);
            fixture.awaitReady("demo");
            JsonNode response = client.call("tools/call", toolCall("broken__anything"));
            assertThat(response.path("error").path("code").asInt()).isEqualTo(-32000);
            assertThat(response.path("error").path("message").asString())
                    .contains("Upstream 'broken' is unavailable").contains("/nonexistent/mcp-server");
            JsonNode tools = client.call("tools/list", null);
            assertThat(tools.path("result").path("tools").findValuesAsString("name")).contains("demo__echo")
                    .noneMatch(n -> n.startsWith("broken__"));
        }
    }

    /**
     * An upstream that comes up while a client's initialize waits for it changes the lists, but the client has not
     * initialized yet: it gets its answer, not a list_changed before it (it lists afterwards anyway).
     */
    @Test
    void aClientStillInitializingHearsNoListChanges() throws Exception {
        List<String> slowDemo = new java.util.ArrayList<>(List.of("sh", "-c", "sleep 1; exec \"$0\" \"$@\""));
        slowDemo.addAll(io.gatekit.testing.Processes.gatekit("demo-server"));
        try (GatewayFixture fixture = GatewayFixture.start("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: demo
                      command: %s
                """.formatted(io.gatekit.testing.Processes.yamlList(slowDemo)))) {
            TestClient client = fixture.connect();
            JsonNode init = client.initialize(null);
            assertThat(init.path("result").path("capabilities").has("tools")).as("%s", init).isTrue();
            assertThat(client.call("tools/list", null).path("result").path("tools").findValuesAsString("name"))
                    .contains("demo__echo");
            assertThat(client.notifications).noneMatch(n -> n.path("method").asString().endsWith("/list_changed"));
        }
    }

    @Test
    void close_stopsEveryUpstreamProcess_andEndsEveryGatewayThread() {
        long before = gatekitThreads();
        GatewayFixture fixture = GatewayFixture.demo("", "");
        fixture.awaitReady("demo");
        TestClient client = fixture.connect();
        client.initialize(null);
        client.call("tools/call", toolCall("demo__echo", "message", "x"));
        assertThat(gatekitThreads()).isGreaterThan(before);
        ProcessHandle upstream = ProcessHandle.of(fixture.upstream("demo").pid().orElseThrow()).orElseThrow();
        fixture.close();
        assertThat(upstream.isAlive()).isFalse();
        assertThat(fixture.upstream("demo").state()).isEqualTo(Upstream.State.STOPPED);
        // Readers, writers, stderr drains and the deadline sweeper all end with the gateway.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gatekitThreads()).isEqualTo(before));
    }

    /** Live platform threads the gateway names "gatekit-..." (virtual threads end with their work). */
    private static long gatekitThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("gatekit-")).count();
    }
}
