package io.gatekit.upstream;

import static io.gatekit.testing.ScriptedHttpUpstream.event;
import static io.gatekit.testing.ScriptedHttpUpstream.notification;
import static io.gatekit.testing.ScriptedHttpUpstream.result;
import static io.gatekit.testing.ScriptedHttpUpstream.startEvents;
import static io.gatekit.testing.ScriptedHttpUpstream.status;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.ScriptedHttpUpstream;
import io.gatekit.testing.ScriptedHttpUpstream.Seen;
import io.gatekit.testing.TestClient;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * The gateway as the client of a Streamable HTTP upstream that behaves as real servers and proxies do at the
 * edges: streams closed by an idle timeout, sessions lost under concurrent load, response streams that end before
 * their response. The upstream is a scripted server on loopback ({@link ScriptedHttpUpstream}); the gateway runs
 * in the test JVM with a client on a loopback socket.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpUpstreamHazardsTest {
    private final ScriptedHttpUpstream server = new ScriptedHttpUpstream();
    private GatewayFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
        server.close();
    }

    private TestClient connect() {
        fixture = GatewayFixture.start("""
                proxy:
                  transport: stdio
                  timeouts: {request_timeout: 10}
                  upstreams:
                    - name: up
                      transport: http
                      url: "%s"
                      protocol_era: legacy
                      headers: {Authorization: "Bearer sekrit"}
                """.formatted(server.url()));
        TestClient client = fixture.connect();
        client.initialize(null);
        fixture.awaitReady("up");
        return client;
    }

    private static boolean heard(TestClient client, String method) {
        return client.notifications.stream().anyMatch(n -> n.path("method").asString().equals(method));
    }

    @Test
    void getStream_isReopenedAfterEveryNormalClose_notJustFiveTimes() throws Exception {
        AtomicInteger gets = new AtomicInteger();
        server.onGet = (exchange, body) -> {
            int n = gets.incrementAndGet();
            OutputStream out = startEvents(exchange);
            event(out, "g" + n, 10, null);
            if (n == 8) {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !server.seen("POST", "tools/list").isEmpty());
                event(out, "g" + n + "b", null, notification("notifications/tools/list_changed"));
            }
            // returning closes the stream normally, as a proxy's idle timeout does
        };
        TestClient client = connect();
        client.call("tools/list", null);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> heard(client, "notifications/tools/list_changed"));
        assertThat(gets.get()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void getStream_isOpenedAfterA202ToInitialized_andCarriesListChanges() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        server.onGet = (exchange, body) -> {
            OutputStream out = startEvents(exchange);
            // The change is news only once the client has the list: the stream opens before it asks.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !server.seen("POST", "tools/list").isEmpty());
            event(out, "g1", null, notification("notifications/tools/list_changed"));
            try {
                stopped.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        TestClient client = connect();
        client.call("tools/list", null);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> heard(client, "notifications/tools/list_changed"));
            assertThat(server.seen("GET", null)).hasSize(1);
        } finally {
            stopped.countDown();
        }
    }

    /**
     * A response that repeats a key fails its call at once with what was wrong, instead of relaying one of the two
     * values (or hanging until the deadline); the upstream stays usable.
     */
    @Test
    void responseThatRepeatsAKey_failsItsCallClearly() {
        server.onToolsCall = (exchange, body) -> {
            if (body.path("params").path("arguments").path("message").asString("").equals("dup")) {
                ScriptedHttpUpstream.json(exchange, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + body.get("id")
                        + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"one\",\"text\":\"two\"}]}}");
            } else {
                ScriptedHttpUpstream.json(exchange, 200, result(body.get("id"), "Echo: " + body.path("params").path("arguments").path("message").asString()));
            }
        };
        TestClient client = connect();
        JsonNode failed = client.call("tools/call", toolCall("up__echo", "message", "dup"));
        assertThat(failed.path("error").path("code").asInt()).isEqualTo(-32603);
        assertThat(failed.path("error").path("message").asString())
                .contains("Upstream 'up'")
                .contains("duplicate key \"text\" at /result/content/0/text");
        assertThat(TestClient.text(client.call("tools/call", toolCall("up__echo", "message", "x")))).isEqualTo("Echo: x");
    }

    /**
     * A notification that repeats a key is dropped; a request that does is answered -32600 (to the upstream) and
     * goes no further; messages after them on the same stream arrive as usual.
     */
    @Test
    void unsolicitedMessagesThatRepeatAKey_areNotPassedOn() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger gets = new AtomicInteger();
        server.onGet = (exchange, body) -> {
            if (gets.incrementAndGet() > 1) {
                status(exchange, 405);
                return;
            }
            OutputStream out = startEvents(exchange);
            ScriptedHttpUpstream.textEvent(out, "g1", null, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                    + "\"params\":{\"level\":\"error\",\"data\":\"dup\",\"data\":\"again\"}}");
            ScriptedHttpUpstream.textEvent(out, "g2", null, "{\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"method\":\"roots/list\","
                    + "\"params\":{\"_meta\":{\"x\":1,\"x\":2}}}");
            ScriptedHttpUpstream.textEvent(out, "g3", null, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                    + "\"params\":{\"level\":\"error\",\"data\":\"valid\"}}");
            try {
                stopped.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        TestClient client = connect();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> client.notifications.stream()
                    .anyMatch(n -> n.path("params").path("data").asString("").equals("valid")));
            assertThat(client.notifications).noneMatch(n -> n.path("params").path("data").asString("").matches("dup|again"));
            assertThat(client.serverRequests).isEmpty();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.seen("POST", null).stream()
                    .anyMatch(seen -> seen.body().path("id").asString("").equals("srv-1")));
            Seen answer = server.seen("POST", null).stream()
                    .filter(seen -> seen.body().path("id").asString("").equals("srv-1")).findFirst().orElseThrow();
            assertThat(answer.body().path("error").path("code").asInt()).isEqualTo(-32600);
            assertThat(answer.body().path("error").path("message").asString()).contains("duplicate key \"x\" at /params/_meta/x");
        } finally {
            stopped.countDown();
        }
    }

    @Test
    void getStreamRefusedWith405_isNotedOnce_notRetried() {
        TestClient client = connect();
        assertThat(TestClient.text(client.call("tools/call", toolCall("up__echo", "message", "x")))).isEqualTo("Echo: x");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.seen("GET", null).size() == 1);
        Awaitility.await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
                .until(() -> server.seen("GET", null).size() == 1);
    }

    @Test
    void concurrentSessionLoss_reinitialisesOnce_andEveryCallIsRetriedOnTheNewSession() {
        int calls = 8;
        TestClient client = connect();
        assertThat(TestClient.text(client.call("tools/call", toolCall("up__echo", "message", "before")))).isEqualTo("Echo: before");
        // Hold the 404s until every call has met one, so that all of them lose the session at once.
        CountDownLatch allLost = new CountDownLatch(calls);
        server.onUnknownSession = (exchange, body) -> {
            if (body != null && "tools/call".equals(body.path("method").asString(null))) {
                allLost.countDown();
                try {
                    allLost.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        server.forgetSessions();
        List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            answers.add(client.request("tools/call", toolCall("up__echo", "message", "m" + i)));
        }
        for (int i = 0; i < calls; i++) {
            assertThat(TestClient.text(TestClient.await(answers.get(i), Duration.ofSeconds(20)))).isEqualTo("Echo: m" + i);
        }
        assertThat(allLost.getCount()).isZero();
        assertThat(server.sessionsMinted()).as("sessions opened: the first and one re-initialisation").isEqualTo(2);
    }

    @Test
    void shutdownDelete_carriesTheConfiguredHeaders() {
        TestClient client = connect();
        assertThat(TestClient.text(client.call("tools/call", toolCall("up__echo", "message", "x")))).isEqualTo("Echo: x");
        fixture.close();
        fixture = null;
        List<Seen> deletes = server.seen("DELETE", null);
        assertThat(deletes).hasSize(1);
        assertThat(deletes.getFirst().header("Authorization")).isEqualTo("Bearer sekrit");
        assertThat(deletes.getFirst().header("Mcp-Session-Id")).isEqualTo("s1");
        assertThat(deletes.getFirst().header("MCP-Protocol-Version")).isEqualTo("2025-11-25");
    }

    @Test
    void responseStreamEndingEarly_isResumedWithLastEventId_untilTheResponseArrives() {
        JsonNode[] callId = new JsonNode[1];
        server.onToolsCall = (exchange, body) -> {
            callId[0] = body.get("id");
            event(startEvents(exchange), "c1", 50, null); // the priming event, then the stream ends
        };
        server.onGet = (exchange, body) -> {
            String from = exchange.getRequestHeaders().getFirst("Last-Event-ID");
            if (from == null) {
                status(exchange, 405); // no standalone stream
            } else if (from.equals("c1")) {
                event(startEvents(exchange), "c2", 50, null); // resumed, and ended again before the answer
            } else if (from.equals("c2")) {
                event(startEvents(exchange), "c3", null, result(callId[0], "resumed"));
            } else {
                status(exchange, 400);
            }
        };
        TestClient client = connect();
        JsonNode answer = client.call("tools/call", toolCall("up__echo", "message", "x"));
        assertThat(TestClient.text(answer)).isEqualTo("resumed");
        assertThat(server.seen("GET", null).stream().map(s -> s.header("Last-Event-ID")).filter(id -> id != null))
                .containsExactly("c1", "c2");
    }

    @Test
    void responseStreamEndingEarlyWithoutAnEventId_failsAtOnce_withAClearError() {
        server.onToolsCall = (exchange, body) -> event(startEvents(exchange), null, null, null);
        TestClient client = connect();
        JsonNode answer = client.call("tools/call", toolCall("up__echo", "message", "x"));
        // -32000 (unavailable) at once, not -32001 when the request timeout runs out
        assertThat(answer.path("error").path("code").asInt()).as("%s", answer).isEqualTo(-32000);
        assertThat(answer.path("error").path("message").asString()).contains("ended before its response");
    }
}
