package io.gatekit;

import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.TestClient;
import io.gatekit.upstream.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/** Several upstreams as one server: merged, paginated lists, namespaced resources, notifications. */
@Timeout(90)
class MultiUpstreamTest {
    private static GatewayFixture fixture;
    private static TestClient client;

    @BeforeAll
    static void start() {
        fixture = GatewayFixture.start("""
                proxy:
                  transport: stdio
                  limits:
                    list_page_size: 5
                  upstreams:
                    - name: alpha
                      command: %DEMO%
                    - name: beta
                      command: %DEMO%
                    - name: off
                      command: %DEMO%
                      enabled: false
                    - name: mortal
                      command: %DEMO%
                      restart_on_failure: false
                """);
        client = fixture.connect();
        client.initialize(null);
        fixture.awaitReady("alpha");
        fixture.awaitReady("beta");
        fixture.awaitReady("mortal");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static List<String> allTools() {
        List<String> names = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 50; page++) {
            JsonNode response = client.call("tools/list", cursor == null ? null : TestClient.object().put("cursor", cursor));
            assertThat(response.has("result")).as("page %d: %s", page, response).isTrue();
            JsonNode tools = response.path("result").path("tools");
            assertThat(tools.size()).isLessThanOrEqualTo(5);
            tools.forEach(t -> names.add(t.path("name").asString()));
            JsonNode next = response.path("result").get("nextCursor");
            if (next == null) {
                return names;
            }
            cursor = next.asString();
        }
        throw new AssertionError("pagination did not end");
    }

    @Test
    void toolsList_isMergedInConfigOrder_paginatedWithGatewayCursors_withoutDisabledUpstreams() {
        List<String> names = allTools();
        assertThat(names).contains("alpha__echo", "beta__echo").noneMatch(n -> n.startsWith("off__"));
        assertThat(names.indexOf("alpha__crash")).isLessThan(names.indexOf("beta__echo"));
        assertThat(names).doesNotHaveDuplicates();
        assertThat(names.size()).isGreaterThan(10);
    }

    @Test
    void foreignOrTamperedCursor_isInvalidParams() {
        JsonNode foreign = client.call("tools/list", TestClient.object().put("cursor", "bm90LW91cnM"));
        assertThat(foreign.path("error").path("code").asInt()).isEqualTo(-32602);
        String real = client.call("tools/list", null).path("result").path("nextCursor").asString();
        JsonNode wrongList = client.call("prompts/list", TestClient.object().put("cursor", real));
        assertThat(wrongList.path("error").path("code").asInt()).isEqualTo(-32602);
    }

    @Test
    void staleCursor_afterListChanged_isInvalidParams_andClientIsNotified() {
        String cursor = client.call("tools/list", null).path("result").path("nextCursor").asString();
        client.notifications.clear();
        assertThat(text(client.call("tools/call", toolCall("beta__change_tools")))).isEqualTo("changed");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> client.notifications.stream()
                .anyMatch(n -> n.path("method").asString().equals("notifications/tools/list_changed")));
        JsonNode stale = client.call("tools/list", TestClient.object().put("cursor", cursor));
        assertThat(stale.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(stale.path("error").path("message").asString()).contains("Stale cursor");
    }

    @Test
    void resources_areNamespaced_andReadThroughTheirUpstream() {
        JsonNode resources = client.call("resources/list", null).path("result").path("resources");
        assertThat(resources.findValuesAsString("uri")).contains("alpha__demo://readme", "beta__demo://readme");
        JsonNode read = client.call("resources/read", TestClient.object().put("uri", "beta__demo://readme"));
        assertThat(read.path("result").path("contents").path(0).path("uri").asString()).isEqualTo("demo://readme");
        assertThat(read.path("result").path("contents").path(0).path("text").asString()).contains("demo server");
        JsonNode prompts = client.call("prompts/get", TestClient.object().put("name", "alpha__greeting"));
        assertThat(prompts.path("result").path("messages").path(0).path("content").path("text").asString()).isEqualTo("Hello, world!");
    }

    @Test
    void subscriptions_areRefCounted_andUpdatesReachOnlySubscribers() {
        TestClient other = fixture.connect();
        other.initialize(null);
        JsonNode sub1 = client.call("resources/subscribe", TestClient.object().put("uri", "alpha__demo://readme"));
        JsonNode sub2 = other.call("resources/subscribe", TestClient.object().put("uri", "alpha__demo://readme"));
        assertThat(sub1.has("result")).isTrue();
        assertThat(sub2.has("result")).isTrue();
        assertThat(text(client.call("tools/call", toolCall("alpha__stats")))).contains("\"subscriptions\":[\"demo://readme\"]");
        other.call("resources/unsubscribe", TestClient.object().put("uri", "alpha__demo://readme"));
        // Still one subscriber: the upstream stays subscribed.
        assertThat(text(client.call("tools/call", toolCall("alpha__stats")))).contains("\"subscriptions\":[\"demo://readme\"]");
        other.notifications.clear();
        assertThat(text(client.call("tools/call", toolCall("alpha__touch", "uri", "demo://readme")))).isEqualTo("notified");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> client.notifications.stream().anyMatch(n ->
                n.path("method").asString().equals("notifications/resources/updated")
                        && n.path("params").path("uri").asString().equals("alpha__demo://readme")));
        assertThat(other.notifications).noneMatch(n -> n.path("method").asString().equals("notifications/resources/updated"));
        client.call("resources/unsubscribe", TestClient.object().put("uri", "alpha__demo://readme"));
        assertThat(text(client.call("tools/call", toolCall("alpha__stats")))).contains("\"subscriptions\":[]");
        other.close();
    }

    @Test
    void logMessages_areFilteredPerClientLevel() {
        TestClient quiet = fixture.connect();
        quiet.initialize(null);
        quiet.call("logging/setLevel", TestClient.object().put("level", "error"));
        client.call("logging/setLevel", TestClient.object().put("level", "debug"));
        assertThat(text(client.call("tools/call", toolCall("alpha__stats")))).contains("\"logLevel\":\"debug\"");
        quiet.notifications.clear();
        client.call("tools/call", toolCall("alpha__log", "level", "info", "text", "chatty"));
        client.call("tools/call", toolCall("alpha__log", "level", "error", "text", "serious"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> quiet.notifications.stream()
                .anyMatch(n -> n.path("params").path("data").asString().equals("serious")));
        assertThat(client.notifications).anyMatch(n -> n.path("params").path("data").asString().equals("chatty"));
        assertThat(quiet.notifications).noneMatch(n -> n.path("params").path("data").asString().equals("chatty"));
        quiet.close();
    }

    @Test
    void unknownUpstreamError_namesTheQualifiedTool() {
        JsonNode response = client.call("tools/call", toolCall("alpha__nope"));
        assertThat(response.path("error").path("message").asString()).contains("alpha__nope");
    }

    @Test
    void upstreamGoingDown_dropsItsToolsFromTheList_namesItInMeta_andNotifiesClients() {
        assertThat(allTools()).contains("mortal__echo");
        client.notifications.clear();
        ProcessHandle.of(fixture.upstream("mortal").pid().orElseThrow()).orElseThrow().destroyForcibly();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fixture.upstream("mortal").state() == Upstream.State.FAILED);
        assertThat(allTools()).contains("alpha__echo", "beta__echo").noneMatch(n -> n.startsWith("mortal__"));
        JsonNode meta = client.call("tools/list", null).path("result").path("_meta").path("io.gatekit/unavailableUpstreams");
        assertThat(meta.path("mortal").asString()).startsWith("failed");
        assertThat(client.notifications).anyMatch(n -> n.path("method").asString().equals("notifications/tools/list_changed"));
        JsonNode call = client.call("tools/call", toolCall("mortal__echo", "message", "x"));
        assertThat(call.path("error").path("message").asString()).contains("Upstream 'mortal' is unavailable (failed)");
    }
}
