package io.gatekit.interop;

import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.HttpGatewayProcess;
import io.gatekit.testing.McpProxyPeer;
import io.gatekit.testing.Peers;
import io.gatekit.testing.Processes;
import io.gatekit.testing.TestClient;
import io.gatekit.upstream.Upstream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Gatekit speaking the stateless 2026-07-28 era to a real upstream that offers it: mcp-proxy 6.7.19 (npm) in front
 * of the demo server. The gateway's clients here are legacy stdio sessions, so everything the stateless era does
 * differently is translated: discovery instead of initialize, list changes and resource updates through one
 * {@code subscriptions/listen} stream, log levels carried by each request, cancellation by closing the stream.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ModernUpstreamTest {
    private McpProxyPeer proxy;

    @AfterEach
    void stop() throws InterruptedException {
        if (proxy != null) {
            proxy.close();
        }
    }

    private static GatewayFixture gateway(String url, String era) {
        GatewayFixture fixture = GatewayFixture.start("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: px
                      transport: http
                      url: "%s"
                      protocol_era: %s
                """.formatted(url, era));
        return fixture;
    }

    private static List<JsonNode> notificationsNamed(TestClient client, String method) {
        return client.notifications.stream().filter(n -> n.path("method").asString().equals(method)).toList();
    }

    @Test
    void autoFindsTheModernEra_callsListsAndStreamsProgress() throws Exception {
        proxy = McpProxyPeer.start(Processes.gatekit("demo-server"));
        try (GatewayFixture fixture = gateway(proxy.url(), "auto")) {
            fixture.awaitReady("px");
            assertThat(fixture.upstream("px").info().orElseThrow().protocolVersion()).isEqualTo("2026-07-28");
            TestClient client = fixture.connect();
            JsonNode init = client.initialize(null);
            assertThat(init.path("result").path("instructions").asString()).contains("demo server");
            List<String> tools = TestClient.names(client.call("tools/list", null).path("result").path("tools"), "name");
            assertThat(tools).contains("px__echo", "px__add", "px__sleep");
            assertThat(TestClient.text(client.call("tools/call", toolCall("px__add", "a", 2, "b", 40)))).isEqualTo("42");

            ObjectNode sleep = toolCall("px__sleep", "ms", 600, "steps", 3);
            sleep.putObject("_meta").put("progressToken", "tok");
            assertThat(TestClient.text(client.call("tools/call", sleep))).isEqualTo("slept 600 ms");
            // mcp-proxy may relay the last step after the result, which is then rightly dropped.
            assertThat(notificationsNamed(client, "notifications/progress")).hasSizeBetween(1, 3)
                    .allMatch(n -> n.path("params").path("progressToken").asString().equals("tok"));

            JsonNode read = client.call("resources/read", TestClient.object().put("uri", "px__demo://readme"));
            assertThat(read.path("result").path("contents").get(0).path("text").asString()).isNotEmpty();

            List<String> echoed = client.echoBurst("px__echo", "m", 50, Duration.ofSeconds(30));
            for (int i = 0; i < 50; i++) {
                assertThat(echoed.get(i)).contains("m" + i);
            }
        }
    }

    @Test
    void listChangesAndResourceUpdatesArriveThroughTheListenStream() throws Exception {
        proxy = McpProxyPeer.start(Processes.gatekit("demo-server"));
        try (GatewayFixture fixture = gateway(proxy.url(), "auto")) {
            fixture.awaitReady("px");
            TestClient client = fixture.connect();
            client.initialize(null);
            client.call("tools/list", null);

            client.call("tools/call", toolCall("px__change_tools"));
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> !notificationsNamed(client, "notifications/tools/list_changed").isEmpty());

            JsonNode subscribed = client.call("resources/subscribe", TestClient.object().put("uri", "px__demo://readme"));
            assertThat(subscribed.has("result")).as("%s", subscribed).isTrue();
            // The listen stream is reopened with the new resource: touch until an update comes through it.
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
                client.call("tools/call", toolCall("px__touch", "uri", "demo://readme"));
                return !notificationsNamed(client, "notifications/resources/updated").isEmpty();
            });
            assertThat(notificationsNamed(client, "notifications/resources/updated"))
                    .allMatch(n -> n.path("params").path("uri").asString().equals("px__demo://readme"))
                    .allMatch(n -> !n.path("params").path("_meta").has("io.modelcontextprotocol/subscriptionId"));

            client.call("resources/unsubscribe", TestClient.object().put("uri", "px__demo://readme"));
            int before = notificationsNamed(client, "notifications/resources/updated").size();
            // A second resource as the marker: its update rides the same listen stream as any update of the
            // first would, after it. Once the marker arrives, an update of the unsubscribed one would have too.
            client.call("resources/subscribe", TestClient.object().put("uri", "px__demo://marker"));
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
                client.call("tools/call", toolCall("px__touch", "uri", "demo://readme"));
                client.call("tools/call", toolCall("px__touch", "uri", "demo://marker"));
                return notificationsNamed(client, "notifications/resources/updated").stream()
                        .anyMatch(n -> n.path("params").path("uri").asString().equals("px__demo://marker"));
            });
            assertThat(notificationsNamed(client, "notifications/resources/updated").subList(before,
                    notificationsNamed(client, "notifications/resources/updated").size()))
                    .extracting(n -> n.path("params").path("uri").asString())
                    .containsOnly("px__demo://marker");
        }
    }

    /**
     * A stateless upstream answers the demo's {@code confirm} with {@code input_required}; the legacy client is
     * asked through {@code elicitation/create}, the gateway retries with its answer and the server's
     * {@code requestState}, and the client gets the complete result. A client without the capability gets -32021.
     */
    @Test
    void inputRequiredBecomesAnElicitationForALegacyClient(@TempDir Path dir) throws Exception {
        try (HttpGatewayProcess upstream = HttpGatewayProcess.demo(dir);
                GatewayFixture fixture = gateway(upstream.uri.toString(), "auto")) {
            fixture.awaitReady("px");
            TestClient client = fixture.connect();
            client.onServerRequest(request -> {
                assertThat(request.path("method").asString()).isEqualTo("elicitation/create");
                assertThat(request.path("params").path("message").asString()).isEqualTo("ship it?");
                ObjectNode answer = TestClient.object().put("action", "accept");
                answer.putObject("content").put("confirm", true);
                return answer;
            });
            ObjectNode capabilities = TestClient.object();
            capabilities.putObject("elicitation").putObject("form");
            client.initialize(capabilities);
            JsonNode confirmed = client.call("tools/call", toolCall("px__demo__confirm", "message", "ship it?"));
            assertThat(TestClient.text(confirmed)).as("%s", confirmed).isEqualTo("confirmed: accept true");

            TestClient unable = fixture.connect();
            unable.initialize(null);
            JsonNode refused = unable.call("tools/call", toolCall("px__demo__confirm", "message", "ship it?"));
            assertThat(refused.path("error").path("code").asInt()).as("%s", refused).isEqualTo(-32021);
            assertThat(refused.path("error").path("message").asString()).contains("elicitation");
        }
    }

    /**
     * mcp-proxy does not pass log messages to stateless requests, so here the stateless upstream is a second
     * Gatekit (its HTTP face, in front of the demo server): the level travels in each request's {@code _meta}, the
     * message comes back on that request's stream, and only the client that made the request hears it.
     */
    @Test
    void theLogLevelTravelsWithEachRequestAndOnlyItsClientHearsTheMessage(@TempDir Path dir) throws Exception {
        try (HttpGatewayProcess upstream = HttpGatewayProcess.demo(dir);
                GatewayFixture fixture = gateway(upstream.uri.toString(), "auto")) {
            fixture.awaitReady("px");
            assertThat(fixture.upstream("px").info().orElseThrow().protocolVersion()).isEqualTo("2026-07-28");
            TestClient client = fixture.connect();
            client.initialize(null);
            TestClient other = fixture.connect();
            other.initialize(null);
            client.call("logging/setLevel", TestClient.object().put("level", "info"));
            client.call("tools/call", toolCall("px__demo__log", "level", "warning", "text", "heard"));
            client.call("tools/call", toolCall("px__demo__log", "level", "debug", "text", "below the level"));
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> !notificationsNamed(client, "notifications/message").isEmpty());
            other.call("ping", null);
            assertThat(notificationsNamed(client, "notifications/message"))
                    .extracting(n -> n.path("params").path("data").asString()).containsExactly("heard");
            assertThat(notificationsNamed(other, "notifications/message")).isEmpty();
        }
    }

    @Test
    void aCancelledCallClosesItsStreamAndTheUpstreamStops() throws Exception {
        proxy = McpProxyPeer.start(Processes.gatekit("demo-server"));
        try (GatewayFixture fixture = gateway(proxy.url(), "auto")) {
            fixture.awaitReady("px");
            TestClient client = fixture.connect();
            client.initialize(null);
            CompletableFuture<JsonNode> slow = client.request(TestClient.JSON.getNodeFactory().numberNode(77), "tools/call",
                    toolCall("px__sleep", "ms", 20_000));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fixture.upstream("px").inFlight().size() == 1);
            client.notify("notifications/cancelled", TestClient.object().put("requestId", 77).put("reason", "test"));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fixture.upstream("px").inFlight().isEmpty());
            // The upstream heard the cancellation (mcp-proxy turns the closed stream into notifications/cancelled).
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    TestClient.text(client.call("tools/call", toolCall("px__stats"))).contains("\"cancelNotices\":1"));
            assertThat(slow).isNotDone();
            assertThat(TestClient.text(client.call("tools/call", toolCall("px__echo", "message", "after")))).contains("after");
        }
    }

    /** When the upstream goes away its wire is released: no listen stream reconnecting, no HTTP client threads. */
    @Test
    void aVanishedUpstreamLeavesNoListenStreamOrClientThreadsBehind() throws Exception {
        proxy = McpProxyPeer.start(Processes.gatekit("demo-server"));
        try (GatewayFixture fixture = gateway(proxy.url(), "auto")) {
            fixture.awaitReady("px");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> threadsNamed("gatekit-http-listen-px") == 1);
            proxy.close();
            proxy = null;
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fixture.upstream("px").state() != Upstream.State.READY);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> threadsNamed("gatekit-http-listen-px") == 0);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> threadsNamed("gatekit-http-px") == 0);
        }
    }

    /** Live threads whose name starts with {@code prefix}, virtual ones included (a thread dump lists those). */
    private static long threadsNamed(String prefix) throws Exception {
        Path dump = java.nio.file.Files.createTempFile("threads", ".txt");
        java.nio.file.Files.delete(dump);
        try {
            java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            return java.nio.file.Files.readAllLines(dump).stream().filter(line -> line.contains("\"" + prefix)).count();
        } finally {
            java.nio.file.Files.deleteIfExists(dump);
        }
    }

    @Test
    void legacyForcesASessionAndAutoFallsBackForALegacyOnlyServer() throws Exception {
        proxy = McpProxyPeer.start(Processes.gatekit("demo-server"));
        try (GatewayFixture fixture = gateway(proxy.url(), "legacy")) {
            fixture.awaitReady("px");
            assertThat(fixture.upstream("px").info().orElseThrow().protocolVersion()).isEqualTo("2025-11-25");
        }
        // server-everything's Streamable HTTP server speaks only the legacy era: auto falls back to initialize.
        try (EverythingHttp everything = EverythingHttp.start();
                GatewayFixture fixture = gateway(everything.url(), "auto")) {
            fixture.awaitReady("px");
            assertThat(fixture.upstream("px").info().orElseThrow().protocolVersion()).isEqualTo("2025-11-25");
            TestClient client = fixture.connect();
            client.initialize(null);
            assertThat(TestClient.text(client.call("tools/call", toolCall("px__echo", "message", "legacy"))))
                    .isEqualTo("Echo: legacy");
        }
    }

    @Test
    void modernAgainstALegacyOnlyServerFailsWithAClearReason() throws Exception {
        try (EverythingHttp everything = EverythingHttp.start();
                GatewayFixture fixture = gateway(everything.url(), "modern")) {
            Upstream upstream = fixture.upstream("px");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> upstream.lastError().isPresent());
            assertThat(upstream.state()).isNotEqualTo(Upstream.State.READY);
            assertThat(upstream.lastError().orElseThrow()).contains("protocol_era is modern").contains("2026-07-28");
        }
    }

    /** server-everything in streamableHttp mode (legacy only) on a free loopback port. */
    private record EverythingHttp(Process process, int port) implements AutoCloseable {
        static EverythingHttp start() throws Exception {
            int port = io.gatekit.testing.Loopback.freePort();
            return new EverythingHttp(Peers.startEverythingHttp(port, "streamableHttp"), port);
        }

        String url() {
            return "http://127.0.0.1:" + port + "/mcp";
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
