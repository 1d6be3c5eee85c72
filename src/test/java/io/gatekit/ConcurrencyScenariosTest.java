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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The seed design's eight concurrency scenarios, through a real gateway to a real upstream process: 10/50/100
 * concurrent calls, ordering, isolation, cleanup, errors under load, and limit enforcement.
 */
@Timeout(120)
class ConcurrencyScenariosTest {
    private static GatewayFixture fixture;
    private static TestClient client;

    @BeforeAll
    static void start() {
        fixture = GatewayFixture.demo("""
                timeouts:
                  request_timeout: 30
                """, "max_in_flight: 1000");
        client = fixture.connect();
        client.initialize(null);
        fixture.awaitReady("demo");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    /** Scenarios 1-3: n concurrent one-second calls all finish in about one second, not n seconds. */
    @ParameterizedTest
    @ValueSource(ints = {10, 50, 100})
    void concurrentSlowCalls_allAnswered_inParallel(int n) {
        long start = System.nanoTime();
        List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(client.request("tools/call", toolCall("demo__sleep", "ms", 1000)));
        }
        for (CompletableFuture<JsonNode> call : calls) {
            assertThat(text(await(call, Duration.ofSeconds(30)))).isEqualTo("slept 1000 ms");
        }
        // Serial handling would need n seconds; this bound only proves the calls overlapped.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(Math.max(8, n / 4)));
    }

    /** Scenario 4: every response carries its own request's id and content, whatever order they finish in. */
    @Test
    void responses_matchTheirRequests_whenFinishingOutOfOrder() {
        List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            // Later requests sleep less, so answers come back roughly in reverse order.
            calls.add(client.request(JsonNodeFactory.instance.stringNode("order-" + i), "tools/call",
                    toolCall("demo__sleep", "ms", (200 - i) * 2)));
        }
        for (int i = 0; i < calls.size(); i++) {
            JsonNode response = await(calls.get(i), Duration.ofSeconds(30));
            assertThat(response.get("id").stringValue()).isEqualTo("order-" + i);
            assertThat(text(response)).isEqualTo("slept " + ((200 - i) * 2) + " ms");
        }
    }

    /** Scenario 5: concurrent calls with different arguments never see each other's data. */
    @Test
    void concurrentEchoes_eachGetsItsOwnMessage() {
        List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            calls.add(client.request("tools/call", toolCall("demo__echo", "message", "message-" + i)));
        }
        for (int i = 0; i < calls.size(); i++) {
            assertThat(text(await(calls.get(i), Duration.ofSeconds(30)))).isEqualTo("message-" + i);
        }
    }

    /** Scenario 6: after a burst, nothing is left in any correlation map or admission slot. */
    @Test
    void afterBurst_noRequestLeftInFlightAnywhere() {
        List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            calls.add(client.request("tools/call", toolCall("demo__sleep", "ms", 50)));
        }
        calls.forEach(c -> await(c, Duration.ofSeconds(30)));
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(fixture.upstream("demo").inFlightCount()).isZero();
            assertThat(fixture.gateway.sessions().all()).allSatisfy(s -> assertThat(s.inFlightCount()).isZero());
        });
        assertThat(client.unmatched).isEmpty();
    }

    /** Scenario 7: failures under load are reported to exactly the calls that failed. */
    @Test
    void errorsUnderLoad_reachOnlyTheFailingCalls() {
        List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            calls.add(switch (i % 3) {
                case 0 -> client.request("tools/call", toolCall("demo__echo", "message", "ok-" + i));
                case 1 -> client.request("tools/call", toolCall("demo__fail", "mode", "error"));
                default -> client.request("tools/call", toolCall("demo__fail", "mode", "tool"));
            });
        }
        for (int i = 0; i < calls.size(); i++) {
            JsonNode response = await(calls.get(i), Duration.ofSeconds(30));
            switch (i % 3) {
                case 0 -> assertThat(text(response)).isEqualTo("ok-" + i);
                case 1 -> assertThat(response.path("error").path("message").asString()).contains("failed on purpose");
                default -> assertThat(response.path("result").path("isError").asBoolean()).isTrue();
            }
        }
    }
}
