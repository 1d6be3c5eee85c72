package io.gatekit.interop;

import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.Loopback;
import io.gatekit.testing.Peers;
import io.gatekit.testing.TestClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A Streamable HTTP upstream: server-everything in streamableHttp mode on loopback, behind the gateway. */
@Timeout(90)
class HttpUpstreamTest {
    private Process server;

    private Process startEverything(int port) throws IOException {
        return startEverything(port, "streamableHttp");
    }

    private Process startEverything(int port, String mode) throws IOException {
        return Peers.startEverythingHttp(port, mode);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static GatewayFixture gateway(int port) {
        return GatewayFixture.start("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: remote
                      transport: http
                      url: "http://127.0.0.1:%d/mcp"
                      headers: {X-Test: "gatekit"}
                """.formatted(port));
    }

    @Test
    void httpUpstream_toolsProgressSamplingAndConcurrency_throughTheGateway() throws Exception {
        int port = Loopback.freePort();
        server = startEverything(port);
        try (GatewayFixture fixture = gateway(port)) {
            TestClient client = fixture.connect();
            client.onServerRequest(request -> {
                ObjectNode result = TestClient.object();
                result.put("role", "assistant").put("model", "m");
                result.putObject("content").put("type", "text").put("text", "sampled over http");
                return result;
            });
            ObjectNode caps = TestClient.object();
            caps.putObject("sampling");
            JsonNode init = client.initialize(caps);
            assertThat(init.path("result").path("capabilities").has("tools")).as("%s", init).isTrue();
            List<String> tools = TestClient.names(client.call("tools/list", null).path("result").path("tools"), "name");
            assertThat(tools).contains("remote__echo", "remote__trigger-long-running-operation");

            assertThat(TestClient.text(client.call("tools/call", toolCall("remote__echo", "message", "over http"))))
                    .isEqualTo("Echo: over http");
            List<String> echoed = client.echoBurst("remote__echo", "m", 50, Duration.ofSeconds(20));
            for (int i = 0; i < 50; i++) {
                assertThat(echoed.get(i)).isEqualTo("Echo: m" + i);
            }

            ObjectNode progressCall = toolCall("remote__trigger-long-running-operation", "duration", 1, "steps", 3);
            progressCall.putObject("_meta").put("progressToken", "mine");
            JsonNode done = client.call("tools/call", progressCall);
            assertThat(done.has("result")).as("%s", done).isTrue();
            assertThat(client.notifications).filteredOn(n -> n.path("method").asString().equals("notifications/progress"))
                    .isNotEmpty().allMatch(n -> n.path("params").path("progressToken").asString().equals("mine"));

            JsonNode sampled = client.call("tools/call", toolCall("remote__trigger-sampling-request", "prompt", "hi", "maxTokens", 10));
            assertThat(sampled.toString()).contains("sampled over http");
        }
    }

    @Test
    void lostUpstreamSession_isReinitialised_andTheCallRetriedOnce() throws Exception {
        int port = Loopback.freePort();
        server = startEverything(port);
        try (GatewayFixture fixture = gateway(port)) {
            TestClient client = fixture.connect();
            client.initialize(null);
            assertThat(TestClient.text(client.call("tools/call", toolCall("remote__echo", "message", "before")))).isEqualTo("Echo: before");
            // The server restarts and forgets every session.
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
            server = startEverything(port);
            JsonNode after = client.call("tools/call", toolCall("remote__echo", "message", "after"));
            assertThat(TestClient.text(after)).isEqualTo("Echo: after");
        }
    }

    @Test
    void unreachableHttpUpstream_givesClearError() throws Exception {
        int port = Loopback.freePort();
        try (GatewayFixture fixture = GatewayFixture.start("""
                proxy:
                  transport: stdio
                  timeouts: {connection_timeout: 3}
                  upstreams:
                    - name: remote
                      transport: http
                      url: "http://127.0.0.1:%d/mcp"
                """.formatted(port))) {
            TestClient client = fixture.connect();
            client.initialize(null);
            JsonNode response = client.call("tools/call", toolCall("remote__echo", "message", "x"));
            assertThat(response.path("error").path("code").asInt()).isEqualTo(-32000);
            assertThat(response.path("error").path("message").asString()).contains("Upstream 'remote' is unavailable")
                    .contains("127.0.0.1:" + port);
        }
    }

    @Test
    void oldSseTransportUpstream_worksAsAFallback() throws Exception {
        int port = Loopback.freePort();
        server = startEverything(port, "sse");
        try (GatewayFixture fixture = GatewayFixture.start("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: old
                      transport: sse
                      url: "http://127.0.0.1:%d/sse"
                """.formatted(port))) {
            TestClient client = fixture.connect();
            client.initialize(null);
            assertThat(TestClient.text(client.call("tools/call", toolCall("old__echo", "message", "legacy")))).isEqualTo("Echo: legacy");
            List<String> echoed = client.echoBurst("old__echo", "n", 20, Duration.ofSeconds(20));
            for (int i = 0; i < 20; i++) {
                assertThat(echoed.get(i)).isEqualTo("Echo: n" + i);
            }
        }
    }
}
