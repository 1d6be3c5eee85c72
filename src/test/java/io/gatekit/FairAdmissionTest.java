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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Admission that waits, fairly, before refusing (ADR 0018), against a real gateway and the demo upstream: requests
 * over an upstream's ceiling wait in its queue and are answered; refusals only when the queue is full, the deadline
 * passes, or a rate limit is hit; one greedy client cannot starve a light one; a cancelled waiting request never
 * reaches the upstream; per-tool ceilings.
 */
@Timeout(90)
class FairAdmissionTest {
    private static final Duration LONG = Duration.ofSeconds(60);

    private static List<CompletableFuture<JsonNode>> sleepers(TestClient client, int count, int ms) {
        List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(client.request("tools/call", toolCall("demo__sleep", "ms", ms)));
        }
        return calls;
    }

    /** A new client of {@code fixture}, initialized, once the demo upstream is ready. */
    private static TestClient connected(GatewayFixture fixture) {
        TestClient client = fixture.connect();
        client.initialize(null);
        fixture.awaitReady("demo");
        return client;
    }

    private static JsonNode error(JsonNode response) {
        assertThat(response.has("error")).as("an error: %s", response).isTrue();
        return response.path("error");
    }

    @Test
    void fiveHundredPipelinedCallsAgainstTheDefaultCeilingOf100_areAllAnswered() {
        try (GatewayFixture fixture = GatewayFixture.demo("", "")) {
            TestClient client = connected(fixture);
            List<CompletableFuture<JsonNode>> calls = sleepers(client, 500, 200);
            Awaitility.await().atMost(LONG).until(() -> fixture.gateway.queued("demo") > 0);
            int answered = 0;
            for (CompletableFuture<JsonNode> call : calls) {
                JsonNode response = await(call, LONG);
                assertThat(response.has("result")).as("%s", response).isTrue();
                answered++;
            }
            assertThat(answered).isEqualTo(500);
            assertThat(fixture.gateway.queued("demo")).isZero();
        }
    }

    @Test
    void overTheQueueBound_theRestIsRefusedWithQueueFull_andTheQueuedAreAnswered() {
        try (GatewayFixture fixture = GatewayFixture.demo("", """
                max_in_flight: 2
                max_queued: 3
                """)) {
            TestClient client = connected(fixture);
            List<CompletableFuture<JsonNode>> calls = sleepers(client, 10, 500);
            int ok = 0;
            for (CompletableFuture<JsonNode> call : calls.subList(0, 5)) {
                ok += await(call, LONG).has("result") ? 1 : 0;
            }
            assertThat(ok).as("two in flight and three queued").isEqualTo(5);
            for (CompletableFuture<JsonNode> call : calls.subList(5, 10)) {
                JsonNode error = error(await(call, LONG));
                assertThat(error.path("code").asInt()).isEqualTo(-32004);
                assertThat(error.path("data").path("reason").asString()).isEqualTo("queue_full");
                assertThat(error.path("data").path("retryAfterMs").asLong()).isPositive();
                assertThat(error.path("message").asString()).contains("'demo'").contains("max_queued");
            }
        }
    }

    @Test
    void aQueuedRequestWhoseDeadlinePasses_isRefusedWithDeadlineExceeded() {
        String yaml = """
                proxy:
                  transport: stdio
                  timeouts: {request_timeout: %s}
                  upstreams:
                    - name: demo
                      command: %%DEMO%%
                      max_in_flight: 1
                """;
        try (GatewayFixture fixture = GatewayFixture.start(yaml.formatted("30"))) {
            TestClient client = connected(fixture);
            JsonNode slowId = JsonNodeFactory.instance.stringNode("slow");
            CompletableFuture<JsonNode> slow = client.request(slowId, "tools/call", toolCall("demo__sleep", "ms", 20_000));
            Awaitility.await().atMost(LONG).until(() -> fixture.upstream("demo").inFlightCount() == 1);
            // Requests read from now on get 0.3 s; the sleeper keeps its 30 s and its slot.
            fixture.gateway.reload(GatewayFixture.config(yaml.formatted("0.3")));

            JsonNode error = error(client.call("tools/call", toolCall("demo__echo", "message", "late")));
            assertThat(error.path("code").asInt()).isEqualTo(-32001);
            assertThat(error.path("data").path("reason").asString()).isEqualTo("deadline_exceeded");
            assertThat(error.path("data").path("retryAfterMs").asLong()).isPositive();
            assertThat(error.path("message").asString()).contains("request_timeout").contains("max_in_flight");
            assertThat(slow).isNotDone();
            client.notify("notifications/cancelled", TestClient.object().put("requestId", "slow"));
        }
    }

    @Test
    void aGreedyClientsBacklogDoesNotStarveALightClient() {
        try (GatewayFixture fixture = GatewayFixture.demo("", "max_in_flight: 10")) {
            TestClient greedy = fixture.connect();
            TestClient light = fixture.connect();
            greedy.initialize(null);
            light.initialize(null);
            fixture.awaitReady("demo");
            List<CompletableFuture<JsonNode>> greedyCalls = sleepers(greedy, 400, 100);
            // Most of the backlog waits (the first calls may be answered while the last are still being read).
            Awaitility.await().atMost(LONG).until(() -> fixture.gateway.queued("demo") >= 300);

            List<CompletableFuture<JsonNode>> lightCalls = sleepers(light, 10, 100);
            CompletableFuture.allOf(lightCalls.toArray(CompletableFuture[]::new)).join();
            long greedyAnswered = greedyCalls.stream().filter(CompletableFuture::isDone).count();

            // Served in turns, the light client's ten need about twenty slots after the 300 or more of the greedy
            // client's waiting when they arrived; first come, first served would have answered all 400 first.
            assertThat(greedyAnswered).isLessThan(200);
            for (CompletableFuture<JsonNode> call : lightCalls) {
                assertThat(call.join().has("result")).isTrue();
            }
            for (CompletableFuture<JsonNode> call : greedyCalls) {
                assertThat(await(call, LONG).has("result")).isTrue();
            }
        }
    }

    @Test
    void aCancelledQueuedRequestFreesItsPlaceAtOnce_andNeverReachesTheUpstream() {
        try (GatewayFixture fixture = GatewayFixture.demo("", """
                max_in_flight: 1
                max_queued: 1
                """)) {
            TestClient client = connected(fixture);
            long before = toolCalls(client);
            JsonNodeFactory nodes = JsonNodeFactory.instance;
            CompletableFuture<JsonNode> slow = client.request(nodes.stringNode("slow"), "tools/call",
                    toolCall("demo__sleep", "ms", 20_000));
            CompletableFuture<JsonNode> queued = client.request(nodes.stringNode("queued"), "tools/call",
                    toolCall("demo__echo", "message", "never"));
            Awaitility.await().atMost(LONG).until(() -> fixture.gateway.queued("demo") == 1);

            client.notify("notifications/cancelled", TestClient.object().put("requestId", "queued"));
            Awaitility.await().atMost(LONG).until(() -> fixture.gateway.queued("demo") == 0);
            CompletableFuture<JsonNode> next = client.request("tools/call", toolCall("demo__echo", "message", "next"));
            Awaitility.await().atMost(LONG).until(() -> fixture.gateway.queued("demo") == 1); // its place was free

            client.notify("notifications/cancelled", TestClient.object().put("requestId", "slow"));
            assertThat(text(await(next, LONG))).isEqualTo("next");
            assertThat(queued).isNotDone();
            assertThat(slow).isNotDone();
            // stats, slow and next reached the upstream; the cancelled request did not
            assertThat(toolCalls(client)).isEqualTo(before + 3);
        }
    }

    private static long toolCalls(TestClient client) {
        JsonNode stats = TestClient.JSON.readTree(text(client.call("tools/call", toolCall("demo__stats"))));
        return stats.path("toolCalls").asLong();
    }

    @Test
    void aToolsOwnCeilingQueuesOnlyThatTool() {
        try (GatewayFixture fixture = GatewayFixture.demo("", """
                max_in_flight: 10
                max_in_flight_per_tool: {sleep: 1}
                """)) {
            TestClient client = connected(fixture);
            List<CompletableFuture<JsonNode>> calls = sleepers(client, 3, 1500);
            Awaitility.await().atMost(LONG).until(() -> fixture.gateway.queued("demo") == 2);

            assertThat(text(client.call("tools/call", toolCall("demo__echo", "message", "not held up")))).isEqualTo("not held up");
            JsonNode stats = TestClient.JSON.readTree(text(client.call("tools/call", toolCall("demo__stats"))));
            assertThat(stats.path("running").asInt()).as("one sleep at the upstream at a time").isEqualTo(1);
            assertThat(fixture.gateway.queued("demo")).isEqualTo(2);
            for (CompletableFuture<JsonNode> call : calls) {
                assertThat(await(call, LONG).has("result")).isTrue();
            }
        }
    }

    @Test
    void rateLimits_perUpstreamAndPerClient_refuseWithARetryHint() {
        try (GatewayFixture fixture = GatewayFixture.demo("""
                limits:
                  rate_limit_per_client: {requests_per_second: 0.01, burst: 3}
                """, "rate_limit: {requests_per_second: 0.01, burst: 3}")) {
            TestClient first = fixture.connect();
            first.initialize(null); // one of the client's three
            fixture.awaitReady("demo");
            assertThat(text(first.call("tools/call", toolCall("demo__echo", "message", "1")))).isEqualTo("1");
            assertThat(text(first.call("tools/call", toolCall("demo__echo", "message", "2")))).isEqualTo("2");
            JsonNode client = error(first.call("tools/call", toolCall("demo__echo", "message", "3")));
            assertThat(client.path("code").asInt()).isEqualTo(-32004);
            assertThat(client.path("data").path("reason").asString()).isEqualTo("rate_limited");
            assertThat(client.path("data").path("retryAfterMs").asLong()).isGreaterThan(1000);
            assertThat(client.path("message").asString()).contains("proxy.limits.rate_limit_per_client");

            TestClient second = fixture.connect();
            second.initialize(null);
            assertThat(text(second.call("tools/call", toolCall("demo__echo", "message", "4")))).isEqualTo("4");
            JsonNode upstream = error(second.call("tools/call", toolCall("demo__echo", "message", "5")));
            assertThat(upstream.path("data").path("reason").asString()).isEqualTo("rate_limited");
            assertThat(upstream.path("message").asString()).contains("'demo'").contains("rate_limit");
        }
    }
}
