package io.gatekit;

import static io.gatekit.testing.TestClient.await;
import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.TestClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Server-to-client requests and progress routed to the client that caused them, ids remapped both ways. */
@Timeout(60)
class ServerRequestsTest {

    private static ObjectNode allCapabilities() {
        ObjectNode caps = TestClient.object();
        caps.putObject("sampling");
        caps.putObject("roots").put("listChanged", true);
        caps.putObject("elicitation");
        return caps;
    }

    private static void answerEverything(TestClient client, String who) {
        client.onServerRequest(request -> {
            ObjectNode result = TestClient.object();
            switch (request.path("method").asString()) {
                case "sampling/createMessage" -> {
                    result.put("role", "assistant");
                    result.put("model", "test");
                    result.putObject("content").put("type", "text").put("text", who + " sampled: "
                            + request.path("params").path("messages").path(0).path("content").path("text").asString());
                }
                case "roots/list" -> result.putArray("roots").addObject().put("uri", "file:///" + who).put("name", who);
                case "elicitation/create" -> {
                    result.put("action", "accept");
                    result.putObject("content").put("answer", who + " agrees");
                }
                default -> {
                    return null;
                }
            }
            return result;
        });
    }

    @Test
    void sampling_rootsAndElicitation_roundTripThroughGateway() {
        try (GatewayFixture fixture = GatewayFixture.demo("", "")) {
            TestClient client = fixture.connect();
            answerEverything(client, "solo");
            client.initialize(allCapabilities());
            fixture.awaitReady("demo");
            assertThat(text(client.call("tools/call", toolCall("demo__sample", "prompt", "hi")))).isEqualTo("solo sampled: hi");
            assertThat(text(client.call("tools/call", toolCall("demo__roots")))).isEqualTo("file:///solo");
            assertThat(text(client.call("tools/call", toolCall("demo__elicit", "message", "ok?")))).isEqualTo("accept: solo agrees");
            // The forwarded requests carried gateway ids, not the upstream's.
            assertThat(client.serverRequests).extracting(r -> r.path("method").asString())
                    .contains("sampling/createMessage", "roots/list", "elicitation/create");
        }
    }

    @Test
    void serverRequest_withTwoActiveClients_isRefused_notGuessed() {
        try (GatewayFixture fixture = GatewayFixture.demo("", "")) {
            TestClient alice = fixture.connect();
            TestClient bob = fixture.connect();
            answerEverything(alice, "alice");
            answerEverything(bob, "bob");
            alice.initialize(allCapabilities());
            bob.initialize(allCapabilities());
            fixture.awaitReady("demo");
            CompletableFuture<JsonNode> bobBusy = bob.request("tools/call", toolCall("demo__sleep", "ms", 2000));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fixture.upstream("demo").inFlightCount() == 1);
            JsonNode response = alice.call("tools/call", toolCall("demo__sample", "prompt", "secret"));
            assertThat(response.path("error").path("message").asString()).contains("cannot forward sampling/createMessage");
            assertThat(bob.serverRequests).noneMatch(r -> r.path("method").asString().equals("sampling/createMessage"));
            await(bobBusy, Duration.ofSeconds(10));
        }
    }

    @Test
    void progress_reachesClient_withItsOwnToken() {
        try (GatewayFixture fixture = GatewayFixture.demo("", "")) {
            TestClient client = fixture.connect();
            client.initialize(null);
            fixture.awaitReady("demo");
            JsonNode response = client.call("tools/call",
                    IsolationTest.withToken(toolCall("demo__sleep", "ms", 200, "steps", 4), 42));
            assertThat(text(response)).isEqualTo("slept 200 ms");
            List<JsonNode> progress = IsolationTest.drain(client);
            assertThat(progress).hasSize(4);
            assertThat(progress).extracting(n -> n.path("params").path("progressToken").asInt()).containsOnly(42);
            assertThat(progress).extracting(n -> n.path("params").path("progress").asInt()).containsExactly(1, 2, 3, 4);
        }
    }
}
