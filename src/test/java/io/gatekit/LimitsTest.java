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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Scenario 8: in-flight ceilings without a wait queue ({@code max_queued: 0}) reject the excess at once with a clear
 * error; nothing hangs. (With the default queue the excess waits: {@link FairAdmissionTest}.)
 */
@Timeout(60)
class LimitsTest {

    @Test
    void upstreamCeiling_rejectsExcess_withOverloadedError() {
        try (GatewayFixture fixture = GatewayFixture.demo("", """
                max_in_flight: 5
                max_queued: 0
                """)) {
            TestClient client = fixture.connect();
            client.initialize(null);
            fixture.awaitReady("demo");
            List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(client.request("tools/call", toolCall("demo__sleep", "ms", 1500)));
            }
            int ok = 0;
            int rejected = 0;
            for (CompletableFuture<JsonNode> call : calls) {
                JsonNode response = await(call, Duration.ofSeconds(20));
                if (response.has("result")) {
                    ok++;
                } else {
                    rejected++;
                    assertThat(response.path("error").path("code").asInt()).isEqualTo(-32004);
                    assertThat(response.path("error").path("message").asString())
                            .contains("'demo'").contains("max_in_flight");
                    assertThat(response.path("error").path("data").path("reason").asString()).isEqualTo("queue_full");
                }
            }
            assertThat(ok).isEqualTo(5);
            assertThat(rejected).isEqualTo(15);
            // The slots come back: the next call is admitted.
            assertThat(text(client.call("tools/call", toolCall("demo__echo", "message", "again")))).isEqualTo("again");
        }
    }

    @Test
    void upstreamCeilingAndQueue_changedByHotReload_applyInPlace_withoutRestartingTheUpstream() {
        String yaml = """
                proxy:
                  transport: stdio
                  upstreams:
                    - name: demo
                      command: %%DEMO%%
                      max_in_flight: %d
                      max_queued: %d
                """;
        try (GatewayFixture fixture = GatewayFixture.start(yaml.formatted(1, 0))) {
            TestClient client = fixture.connect();
            client.initialize(null);
            fixture.awaitReady("demo");
            Upstream running = fixture.upstream("demo");
            long pid = running.pid().orElseThrow();
            assertThat(sleepers(client, 3)).containsExactly(1, 2);

            fixture.gateway.reload(GatewayFixture.config(yaml.formatted(3, 0)));

            assertThat(fixture.upstream("demo")).isSameAs(running);
            assertThat(running.pid()).contains(pid);
            assertThat(running.config().maxInFlight()).isEqualTo(3);
            assertThat(sleepers(client, 5)).containsExactly(3, 2);

            fixture.gateway.reload(GatewayFixture.config(yaml.formatted(1, 4)));
            assertThat(fixture.upstream("demo")).isSameAs(running);
            assertThat(sleepers(client, 6)).as("one in flight, four queued, one refused").containsExactly(5, 1);
        }
    }

    /** Sends {@code count} slow calls at once; how many were answered and how many refused with -32004. */
    private static List<Integer> sleepers(TestClient client, int count) {
        List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(client.request("tools/call", toolCall("demo__sleep", "ms", 1000)));
        }
        int ok = 0;
        int refused = 0;
        for (CompletableFuture<JsonNode> call : calls) {
            JsonNode response = await(call, Duration.ofSeconds(20));
            if (response.has("result")) {
                ok++;
            } else if (response.path("error").path("code").asInt() == -32004) {
                refused++;
            }
        }
        return List.of(ok, refused);
    }

    @Test
    void clientCeiling_rejectsExcess_fromThatClientOnly() {
        try (GatewayFixture fixture = GatewayFixture.demo("""
                limits:
                  max_in_flight_per_client: 3
                """, "")) {
            TestClient greedy = fixture.connect();
            TestClient other = fixture.connect();
            greedy.initialize(null);
            other.initialize(null);
            fixture.awaitReady("demo");
            List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(greedy.request("tools/call", toolCall("demo__sleep", "ms", 1500)));
            }
            assertThat(text(other.call("tools/call", toolCall("demo__echo", "message", "still served"))))
                    .isEqualTo("still served");
            long rejected = calls.stream().map(c -> await(c, Duration.ofSeconds(20)))
                    .filter(r -> r.path("error").path("message").asString().contains("max_in_flight_per_client"))
                    .count();
            assertThat(rejected).isEqualTo(3);
        }
    }
}
