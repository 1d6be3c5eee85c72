package io.gatekit.interop;

import static io.gatekit.testing.TestClient.await;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.McpProxyPeer;
import io.gatekit.testing.Peers;
import io.gatekit.testing.Processes;
import io.gatekit.testing.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * mcp-proxy 6.7.19 (a third-party, dual-era gateway: 2026-07-28 and the legacy revisions on one {@code /mcp}) as a
 * real Streamable HTTP upstream of Gatekit, fronting server-everything or the demo server on stdio. Gatekit speaks
 * the legacy era upstream here ({@code protocol_era: legacy}: initialize, session id), which mcp-proxy serves
 * alongside the modern one; {@link ModernUpstreamTest} covers the stateless era against it.
 */
@Timeout(120)
class McpProxyUpstreamTest {
    private McpProxyPeer proxy;

    @AfterEach
    void stop() throws InterruptedException {
        if (proxy != null) {
            proxy.close();
        }
    }

    /** Gatekit with mcp-proxy as upstream {@code px}, spoken to in the legacy era (initialize, a session). */
    private static GatewayFixture gateway(McpProxyPeer proxy) {
        return GatewayFixture.start("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: px
                      transport: http
                      url: "%s"
                      protocol_era: legacy
                """.formatted(proxy.url()));
    }

    @Test
    void mcpProxyFrontingEverything_listsCallsProgressesAndTakesABurst() throws Exception {
        proxy = McpProxyPeer.start(Peers.everything());
        try (GatewayFixture fixture = gateway(proxy)) {
            TestClient client = fixture.connect();
            JsonNode init = client.initialize(null);
            assertThat(init.path("result").path("capabilities").has("tools")).as("%s", init).isTrue();
            List<String> tools = TestClient.names(client.call("tools/list", null).path("result").path("tools"), "name");
            assertThat(tools).contains("px__echo", "px__get-sum", "px__trigger-long-running-operation");

            assertThat(TestClient.text(client.call("tools/call", toolCall("px__echo", "message", "via mcp-proxy"))))
                    .isEqualTo("Echo: via mcp-proxy");

            ObjectNode progressCall = toolCall("px__trigger-long-running-operation", "duration", 1, "steps", 3);
            progressCall.putObject("_meta").put("progressToken", "pp");
            JsonNode done = client.call("tools/call", progressCall);
            assertThat(done.has("result")).as("%s", done).isTrue();
            assertThat(client.notifications).filteredOn(n -> n.path("method").asString().equals("notifications/progress"))
                    .hasSizeGreaterThanOrEqualTo(1)
                    .allMatch(n -> n.path("params").path("progressToken").asString().equals("pp"));

            List<String> echoed = client.echoBurst("px__echo", "b", 60, Duration.ofSeconds(30));
            for (int i = 0; i < 60; i++) {
                assertThat(echoed.get(i)).isEqualTo("Echo: b" + i);
            }
        }
    }

    @Test
    void mcpProxyFrontingTheDemoServer_callsAndStreamsProgress() throws Exception {
        proxy = McpProxyPeer.start(Processes.gatekit("demo-server"));
        try (GatewayFixture fixture = gateway(proxy)) {
            TestClient client = fixture.connect();
            client.initialize(null);
            List<String> tools = TestClient.names(client.call("tools/list", null).path("result").path("tools"), "name");
            assertThat(tools).contains("px__echo", "px__add", "px__sleep");
            assertThat(TestClient.text(client.call("tools/call", toolCall("px__add", "a", 2, "b", 40)))).isEqualTo("42");

            ObjectNode sleep = toolCall("px__sleep", "ms", 600, "steps", 3);
            sleep.putObject("_meta").put("progressToken", 7);
            JsonNode slept = client.call("tools/call", sleep);
            assertThat(TestClient.text(slept)).isEqualTo("slept 600 ms");
            assertThat(client.notifications).filteredOn(n -> n.path("method").asString().equals("notifications/progress"))
                    // mcp-proxy may relay the last step after the result, which is then rightly dropped.
                    .hasSizeBetween(1, 3).allMatch(n -> n.path("params").path("progressToken").asInt() == 7);

            List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(client.request("tools/call", toolCall("px__sleep", "ms", 200)));
            }
            for (int i = 0; i < 40; i++) {
                assertThat(TestClient.text(await(calls.get(i), Duration.ofSeconds(30)))).isEqualTo("slept 200 ms");
            }
        }
    }
}
