package io.gatekit;

import static io.gatekit.testing.TestClient.await;
import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Two clients sharing one upstream with colliding ids and progress tokens never see each other's messages. */
@Timeout(120)
class IsolationTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void twoClients_collidingIds_eachGetsOnlyItsOwnAnswers() {
        try (GatewayFixture fixture = GatewayFixture.demo("", "max_in_flight: 2000")) {
            TestClient alice = fixture.connect();
            TestClient bob = fixture.connect();
            alice.initialize(null);
            bob.initialize(null);
            fixture.awaitReady("demo");
            List<CompletableFuture<JsonNode>> aliceCalls = new ArrayList<>();
            List<CompletableFuture<JsonNode>> bobCalls = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                // Same ids on both clients; alternate number and string ids (1 and "1" are different ids).
                JsonNode id = i % 2 == 0 ? NODES.numberNode(i) : NODES.stringNode(Integer.toString(i));
                aliceCalls.add(alice.request(id, "tools/call", toolCall("demo__echo", "message", "alice-" + i)));
                bobCalls.add(bob.request(id, "tools/call", toolCall("demo__echo", "message", "bob-" + i)));
            }
            for (int i = 0; i < 500; i++) {
                JsonNode a = await(aliceCalls.get(i), Duration.ofSeconds(30));
                JsonNode b = await(bobCalls.get(i), Duration.ofSeconds(30));
                assertThat(text(a)).isEqualTo("alice-" + i);
                assertThat(text(b)).isEqualTo("bob-" + i);
                assertThat(a.get("id").isString()).isEqualTo(i % 2 == 1);
                assertThat(b.get("id").isString()).isEqualTo(i % 2 == 1);
            }
            assertThat(alice.unmatched).isEmpty();
            assertThat(bob.unmatched).isEmpty();
        }
    }

    @Test
    void twoClients_sameProgressToken_eachGetsOnlyItsOwnProgress() throws Exception {
        try (GatewayFixture fixture = GatewayFixture.demo("", "")) {
            TestClient alice = fixture.connect();
            TestClient bob = fixture.connect();
            alice.initialize(null);
            bob.initialize(null);
            fixture.awaitReady("demo");
            CompletableFuture<JsonNode> a = alice.request("tools/call", withToken(toolCall("demo__sleep", "ms", 300, "steps", 3), "p"));
            CompletableFuture<JsonNode> b = bob.request("tools/call", withToken(toolCall("demo__sleep", "ms", 600, "steps", 6), "p"));
            await(a, Duration.ofSeconds(10));
            await(b, Duration.ofSeconds(10));
            List<JsonNode> aliceProgress = drain(alice);
            List<JsonNode> bobProgress = drain(bob);
            assertThat(aliceProgress).hasSize(3).allSatisfy(n -> {
                assertThat(n.path("params").path("progressToken").asString()).isEqualTo("p");
                assertThat(n.path("params").path("total").asInt()).isEqualTo(3);
            });
            assertThat(bobProgress).hasSize(6).allSatisfy(n ->
                    assertThat(n.path("params").path("total").asInt()).isEqualTo(6));
        }
    }

    @Test
    void duplicateInFlightId_fromOneClient_isRejected_andTheFirstStillAnswered() {
        try (GatewayFixture fixture = GatewayFixture.demo("", "")) {
            TestClient client = fixture.connect();
            client.initialize(null);
            fixture.awaitReady("demo");
            JsonNode id = NODES.stringNode("same");
            CompletableFuture<JsonNode> first = client.request(id, "tools/call", toolCall("demo__sleep", "ms", 500));
            ObjectNode duplicate = NODES.objectNode();
            duplicate.put("jsonrpc", "2.0");
            duplicate.put("id", "same");
            duplicate.put("method", "ping");
            client.send(duplicate);
            JsonNode rejection = await(first, Duration.ofSeconds(5));
            // The rejection arrives first (same id), then the real answer lands in `unmatched`.
            assertThat(rejection.path("error").path("message").asString()).contains("already in flight");
            JsonNode real = TestClient.await(CompletableFuture.supplyAsync(() -> {
                try {
                    return client.unmatched.poll(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }), Duration.ofSeconds(15));
            assertThat(text(real)).isEqualTo("slept 500 ms");
        }
    }

    static ObjectNode withToken(ObjectNode params, Object token) {
        params.putObject("_meta").set("progressToken", TestClient.JSON.valueToTree(token));
        return params;
    }

    static List<JsonNode> drain(TestClient client) {
        List<JsonNode> progress = new ArrayList<>();
        for (JsonNode n : client.notifications) {
            if ("notifications/progress".equals(n.path("method").asString())) {
                progress.add(n);
            }
        }
        return progress;
    }
}
