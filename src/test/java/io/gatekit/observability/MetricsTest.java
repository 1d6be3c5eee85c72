package io.gatekit.observability;

import static io.gatekit.testing.TestClient.await;
import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The Prometheus metrics of a real gateway with a demo upstream, read as a scrape would read them. */
class MetricsTest {

    private static String scrape(GatewayFixture fixture) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fixture.gateway.observability().writeMetrics(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void calls_showUpInTheDurationHistogram_byMethodUpstreamToolAndOutcome() throws IOException {
        try (GatewayFixture fixture = GatewayFixture.demo("", "")) {
            TestClient client = fixture.connect();
            client.initialize(null);
            fixture.awaitReady("demo");
            int calls = 7;
            for (int i = 0; i < calls; i++) {
                assertThat(text(client.call("tools/call", toolCall("demo__echo", "message", "m" + i)))).isEqualTo("m" + i);
            }
            JsonNode unknown = client.call("no/such/method", TestClient.object());
            assertThat(unknown.path("error").path("code").asInt()).isEqualTo(-32601);

            // The answer is sent after the exchange ends, so the last observation is in by the time it arrives.
            String metrics = scrape(fixture);
            assertThat(metrics).contains("mcp_server_operation_duration_seconds_count{gen_ai_tool_name=\"echo\","
                    + "mcp_method_name=\"tools/call\",outcome=\"ok\",upstream=\"demo\"} " + calls);
            assertThat(metrics).contains("mcp_server_operation_duration_seconds_count{gen_ai_tool_name=\"\","
                    + "mcp_method_name=\"other\",outcome=\"client_error\",upstream=\"\"} 1");
            assertThat(metrics).contains("gatekit_requests_in_flight 0.0");
            assertThat(metrics).contains("gatekit_sessions_active 1.0");
            assertThat(metrics).contains("gatekit_upstream_state{state=\"ready\",upstream=\"demo\"} 1.0");
            assertThat(metrics).contains("gatekit_upstream_state{state=\"failed\",upstream=\"demo\"} 0.0");
            assertThat(metrics).contains("gatekit_upstream_processes{upstream=\"demo\"} 1.0");
            assertThat(metrics).contains("gatekit_upstream_restarts_total{upstream=\"demo\"} 0.0");
        }
    }

    @Test
    void refusal_isCountedByReason() throws IOException {
        try (GatewayFixture fixture = GatewayFixture.demo("""
                limits:
                  max_in_flight_per_client: 1
                """, "")) {
            TestClient client = fixture.connect();
            client.initialize(null);
            fixture.awaitReady("demo");
            List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                calls.add(client.request("tools/call", toolCall("demo__sleep", "ms", 1000)));
            }
            long refused = calls.stream().map(c -> await(c, Duration.ofSeconds(20)))
                    .filter(r -> r.path("error").path("code").asInt() == -32004).count();
            assertThat(refused).isEqualTo(2);
            String metrics = scrape(fixture);
            assertThat(metrics).contains("gatekit_refusals_total{reason=\"client_limit\"} 2.0");
            assertThat(metrics).contains("gatekit_refusals_total{reason=\"upstream_limit\"} 0.0");
            assertThat(metrics).contains("outcome=\"refused\"");
        }
    }

    @Test
    void pluginTime_isObservedPerPlugin() throws IOException {
        try (GatewayFixture fixture = GatewayFixture.start("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: demo
                      command: %DEMO%
                plugins:
                  security:
                    _global:
                      - handler: basic_secrets_filter
                        config:
                          enabled: true
                """)) {
            TestClient client = fixture.connect();
            client.initialize(null);
            fixture.awaitReady("demo");
            client.call("tools/call", toolCall("demo__echo", "message", "hello"));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> scrape(fixture)
                    .contains("gatekit_plugin_duration_seconds_count{plugin=\"basic_secrets_filter\"}"));
        }
    }
}
