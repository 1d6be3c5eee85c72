package io.gatekit;

import static io.gatekit.testing.TestClient.await;
import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.routing.ClientDispatcher;
import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.TestClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Cancellation both ways, observed at the upstream through the demo server's counters. */
@Timeout(60)
class CancellationTest {

    static JsonNode stats(TestClient client) {
        return TestClient.JSON.readTree(text(client.call("tools/call", toolCall("demo__stats"))));
    }

    @Test
    void clientCancel_reachesUpstream_andNoAnswerIsSent() throws Exception {
        try (GatewayFixture fixture = GatewayFixture.demo("", "")) {
            TestClient client = fixture.connect();
            client.initialize(null);
            fixture.awaitReady("demo");
            CompletableFuture<JsonNode> slow = client.request(JsonNodeFactory.instance.stringNode("slow"), "tools/call",
                    toolCall("demo__sleep", "ms", 10_000));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fixture.upstream("demo").inFlightCount() == 1);
            client.notify("notifications/cancelled", TestClient.object().put("requestId", "slow").put("reason", "user"));
            Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(stats(client).path("cancelledRunning").asInt()).isEqualTo(1));
            assertThat(fixture.upstream("demo").inFlightCount()).isZero();
            // The spec: a cancelled request gets no response.
            assertThat(slow.completeOnTimeout(null, 500, TimeUnit.MILLISECONDS).get()).isNull();
        }
    }

    @Test
    void timeout_answersClient_andCancelsUpstream_andKeepsConnection() {
        try (GatewayFixture fixture = GatewayFixture.demo("""
                timeouts:
                  request_timeout: 1
                """, "")) {
            TestClient client = fixture.connect();
            client.initialize(null);
            fixture.awaitReady("demo");
            long pid = fixture.upstream("demo").pid().orElseThrow();
            JsonNode response = await(client.request("tools/call", toolCall("demo__sleep", "ms", 10_000)), Duration.ofSeconds(10));
            assertThat(response.path("error").path("code").asInt()).isEqualTo(-32001);
            assertThat(response.path("error").path("message").asString())
                    .contains("timed out after 1 s").contains("request_timeout");
            JsonNode stats = stats(client);
            assertThat(stats.path("cancelNotices").asInt()).isEqualTo(1);
            assertThat(stats.path("cancelledRunning").asInt()).isEqualTo(1);
            // Same process: a timeout is not a dead connection.
            assertThat(stats.path("pid").asLong()).isEqualTo(pid);
            assertThat(text(client.call("tools/call", toolCall("demo__echo", "message", "alive")))).isEqualTo("alive");
        }
    }

    @Test
    void clientDisconnect_cancelsItsUpstreamRequests() {
        try (GatewayFixture fixture = GatewayFixture.demo("", "")) {
            TestClient leaving = fixture.connect();
            TestClient staying = fixture.connect();
            leaving.initialize(null);
            staying.initialize(null);
            fixture.awaitReady("demo");
            for (int i = 0; i < 5; i++) {
                leaving.request("tools/call", toolCall("demo__sleep", "ms", 60_000));
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fixture.upstream("demo").inFlightCount() == 5);
            leaving.close();
            // After the drain grace (ClientDispatcher.STREAM_DRAIN_GRACE: its input ended, its answers may still be read).
            Awaitility.await().atMost(ClientDispatcher.STREAM_DRAIN_GRACE.plusSeconds(15)).untilAsserted(() ->
                    assertThat(stats(staying).path("cancelledRunning").asInt()).isEqualTo(5));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fixture.gateway.sessions().size() == 1);
        }
    }
}
