package io.gatekit.faces.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.Peers;
import io.gatekit.testing.Processes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 2026-07-28 {@code subscriptions/listen} on the HTTP face, over real loopback sockets against a real gateway and
 * demo upstream: the acknowledgement first, only what was asked for and always tagged with the subscription id,
 * resource updates through the shared upstream subscription (and its release when the last stream closes), the
 * graceful end, the limit, and malformed requests.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpListenTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String META = """
            "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},
             "io.modelcontextprotocol/clientInfo":{"name":"listen-test","version":"0"}}""";
    private static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";
    private static final Duration QUIET = Duration.ofMillis(1200);
    private static final AtomicInteger IDS = new AtomicInteger();
    private static HttpFaceFixture f;

    @BeforeAll
    static void start() throws Exception {
        // A short keep-alive: a closed stream is noticed at the next one.
        f = HttpFaceFixture.demo("sse_keep_alive: 0.3", "");
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void acknowledgementComesFirst_thenOnlyTheRequestedListChanges_eachTaggedWithTheListenId() throws Exception {
        try (Listen tools = Listen.open(f, 41, "{\"toolsListChanged\":true}");
                Listen prompts = Listen.open(f, "p-listen", "{\"promptsListChanged\":true}")) {
            assertThat(tools.contentType()).startsWith("text/event-stream");
            JsonNode ack = tools.next();
            assertThat(ack.path("method").asString()).isEqualTo("notifications/subscriptions/acknowledged");
            assertThat(ack.has("id")).isFalse();
            assertThat(ack.path("params").path("notifications")).isEqualTo(JSON.readTree("{\"toolsListChanged\":true}"));
            // The tag is the listen request's id, with its JSON type: the number 41, not "41".
            assertThat(ack.path("params").path("_meta").get(SUBSCRIPTION_ID)).isEqualTo(JSON.readTree("41"));
            JsonNode promptsAck = prompts.next();
            assertThat(promptsAck.path("params").path("notifications")).isEqualTo(JSON.readTree("{\"promptsListChanged\":true}"));
            assertThat(promptsAck.path("params").path("_meta").path(SUBSCRIPTION_ID).asString()).isEqualTo("p-listen");

            // Log messages and progress never go on a listen stream.
            call("demo__log", "{\"level\":\"error\",\"text\":\"not for listeners\"}");
            assertThat(call("demo__change_tools", "{}")).isEqualTo("changed");
            JsonNode changed = tools.next();
            assertThat(changed.path("method").asString()).isEqualTo("notifications/tools/list_changed");
            assertThat(changed.path("params").path("_meta").get(SUBSCRIPTION_ID)).isEqualTo(JSON.readTree("41"));
            tools.assertQuiet();
            // The other stream asked for prompts only.
            prompts.assertQuiet();
        }
    }

    @Test
    void resourceUpdates_reachTheStreamsThatAskedForThatUri_withTheNamespacedUri_andNoOther() throws Exception {
        try (Listen readme = Listen.open(f, "r1", "{\"resourceSubscriptions\":[\"demo__demo://readme\"]}");
                Listen other = Listen.open(f, "r2", "{\"toolsListChanged\":true,\"resourceSubscriptions\":[\"demo__demo://other\"]}")) {
            JsonNode ack = readme.next();
            assertThat(ack.path("params").path("notifications"))
                    .isEqualTo(JSON.readTree("{\"resourceSubscriptions\":[\"demo__demo://readme\"]}"));
            other.next();
            assertThat(upstreamSubscriptions()).contains("demo://readme", "demo://other");

            assertThat(call("demo__touch", "{\"uri\":\"demo://readme\"}")).isEqualTo("notified");
            JsonNode updated = readme.next();
            assertThat(updated.path("method").asString()).isEqualTo("notifications/resources/updated");
            assertThat(updated.path("params").path("uri").asString()).isEqualTo("demo__demo://readme");
            assertThat(updated.path("params").path("_meta").path(SUBSCRIPTION_ID).asString()).isEqualTo("r1");
            readme.assertQuiet();
            other.assertQuiet();
        }
        // Both streams closed: nobody wants those resources any more, so the upstream is unsubscribed.
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(upstreamSubscriptions()).doesNotContain("demo://readme", "demo://other"));
    }

    @Test
    void theUpstreamSubscriptionIsShared_withOtherStreamsAndLegacySessions_andReleasedByTheLast() throws Exception {
        String uri = "demo__demo://shared";
        String session = f.initialize();
        HttpResponse<String> subscribed = f.send(f.post(session, """
                {"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"%s"}}""".formatted(uri)).build());
        assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(200);
        Listen first = Listen.open(f, "s1", "{\"resourceSubscriptions\":[\"" + uri + "\"]}");
        Listen second = Listen.open(f, "s2", "{\"resourceSubscriptions\":[\"" + uri + "\"]}");
        try {
            first.next();
            second.next();
            assertThat(call("demo__touch", "{\"uri\":\"demo://shared\"}")).isEqualTo("notified");
            assertThat(first.next().path("params").path("uri").asString()).isEqualTo(uri);
            assertThat(second.next().path("params").path("_meta").path(SUBSCRIPTION_ID).asString()).isEqualTo("s2");

            first.close();
            awaitClientsClosed(1);
            assertThat(upstreamSubscriptions()).contains("demo://shared");
            second.close();
            awaitClientsClosed(0);
            assertThat(upstreamSubscriptions()).as("the legacy session still subscribes").contains("demo://shared");
        } finally {
            first.close();
            second.close();
            f.send(HttpRequest.newBuilder(f.uri()).timeout(Duration.ofSeconds(5)).header("Mcp-Session-Id", session).DELETE().build());
        }
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(upstreamSubscriptions()).doesNotContain("demo://shared"));
    }

    @Test
    void malformedListen_isInvalidParams_andOpensNothing() throws Exception {
        for (String notifications : List.of("\"all\"", "[]", "{\"toolsListChanged\":\"yes\"}",
                "{\"resourceSubscriptions\":\"demo__demo://readme\"}", "{\"resourceSubscriptions\":[1]}")) {
            HttpResponse<String> response = f.send(listenPost("bad", "\"notifications\":" + notifications + ","));
            assertThat(response.statusCode()).as(notifications).isEqualTo(200);
            JsonNode error = JSON.readTree(response.body()).path("error");
            assertThat(error.path("code").asInt()).as(response.body()).isEqualTo(-32602);
            assertThat(error.path("message").asString()).contains("notifications");
            assertThat(JSON.readTree(response.body()).path("id").asString()).isEqualTo("bad");
        }
        HttpResponse<String> missing = f.send(listenPost("none", ""));
        assertThat(JSON.readTree(missing.body()).path("error").path("code").asInt()).isEqualTo(-32602);
        awaitClientsClosed(0);
    }

    @Test
    void aLegacySession_isToldListenIsNotItsMethod() throws Exception {
        String session = f.initialize();
        HttpResponse<String> response = f.send(f.post(session, """
                {"jsonrpc":"2.0","id":2,"method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true}}}""").build());
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("code").asInt()).as(response.body()).isEqualTo(-32601);
        assertThat(error.path("message").asString()).contains("2026-07-28").contains("resources/subscribe");
        f.send(HttpRequest.newBuilder(f.uri()).timeout(Duration.ofSeconds(5)).header("Mcp-Session-Id", session).DELETE().build());
    }

    @Test
    void whatNoUpstreamCanDeliver_isLeftOutOfTheAcknowledgement() throws Exception {
        Peers.requireInstalled("@modelcontextprotocol/server-sequential-thinking");
        String thinking = Processes.yamlList(List.of(Peers.node(), Peers.nodeModules()
                .resolve("@modelcontextprotocol/server-sequential-thinking/dist/index.js").toString()));
        // Tools only: no prompts, no resources, so nothing to subscribe to.
        try (HttpFaceFixture tools = HttpFaceFixture.start("""
                proxy:
                  transport: http
                  http:
                    host: 127.0.0.1
                    port: 0
                    sse_keep_alive: 0.3
                  upstreams:
                    - name: thinking
                      command: %s
                """.formatted(thinking));
                Listen listen = Listen.open(tools, "all", """
                        {"toolsListChanged":true,"promptsListChanged":true,"resourcesListChanged":true,
                         "resourceSubscriptions":["thinking__file:///notes"]}""")) {
            JsonNode ack = listen.next();
            assertThat(ack.path("params").path("notifications")).isEqualTo(JSON.readTree("{\"toolsListChanged\":true}"));
            assertThat(ack.path("params").path("_meta").path(SUBSCRIPTION_ID).asString()).isEqualTo("all");
        }
    }

    @Test
    void whenTheFaceStops_aListenStreamEndsGracefully_withACompleteResponse() throws Exception {
        HttpFaceFixture own = HttpFaceFixture.demo("sse_keep_alive: 0.3", "");
        try (Listen listen = Listen.open(own, "bye", "{\"toolsListChanged\":true}")) {
            listen.next();
            own.face.close();
            JsonNode end = listen.next();
            assertThat(end.path("id").asString()).isEqualTo("bye");
            assertThat(end.path("result").path("resultType").asString()).isEqualTo("complete");
            assertThat(end.path("result").path("_meta").path(SUBSCRIPTION_ID).asString()).isEqualTo("bye");
            assertThat(listen.next().has("$eof")).as("the stream ends after the response").isTrue();
        } finally {
            own.close();
        }
    }

    @Test
    void listenStreamsCountAgainstMaxSessions_andARefusalIsAnImmediate503() throws Exception {
        try (HttpFaceFixture one = HttpFaceFixture.demo("sse_keep_alive: 0.3\nmax_sessions: 1", "")) {
            try (Listen listen = Listen.open(one, "only", "{\"toolsListChanged\":true}")) {
                listen.next();
                long started = System.nanoTime();
                HttpResponse<String> refused = one.send(listenPost(one, "second", "\"notifications\":{\"toolsListChanged\":true},"));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
                assertThat(refused.statusCode()).isEqualTo(503);
                JsonNode error = JSON.readTree(refused.body()).path("error");
                assertThat(error.path("code").asInt()).isEqualTo(-32004);
                assertThat(error.path("message").asString()).contains("listen").contains("max_sessions");
            }
            // The closed stream gave its slot back.
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(one.send(listenPost(one, "again", "\"notifications\":\"bad\",")).statusCode()).isEqualTo(200));
        }
    }

    // --- helpers ---

    /** A stateless tool call; the text of its result. */
    private static String call(String tool, String arguments) throws Exception {
        HttpResponse<String> response = f.send(f.modernPost("""
                {"jsonrpc":"2.0","id":"c%d","method":"tools/call","params":{"name":"%s","arguments":%s,%s}}"""
                .formatted(IDS.incrementAndGet(), tool, arguments, META))
                .build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("result").path("content").path(0).path("text").asString();
    }

    /** The URIs the demo upstream is subscribed to now (its stats tool). */
    private static List<String> upstreamSubscriptions() throws Exception {
        return JSON.readTree(call("demo__stats", "{}")).path("subscriptions").valueStream().map(JsonNode::asString).toList();
    }

    /** Waits until {@code n} listen clients are left in the gateway. */
    private static void awaitClientsClosed(int n) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                f.gateway.sessions().all().stream().filter(s -> s.id().startsWith("http-listen")).count() == n);
    }

    private static HttpRequest listenPost(String id, String params) {
        return listenPost(f, id, params);
    }

    private static HttpRequest listenPost(HttpFaceFixture fixture, String id, String params) {
        return fixture.modernPost("""
                {"jsonrpc":"2.0","id":"%s","method":"subscriptions/listen","params":{%s%s}}""".formatted(id, params, META)).build();
    }

    /**
     * A listen stream over a raw loopback socket, so that closing it is exactly closing the connection, as a
     * 2026-07-28 client does. A reader thread decodes the (chunked) response into JSON-RPC messages; the end of the
     * stream is a {@code {"$eof":true}} message.
     */
    private static final class Listen implements AutoCloseable {
        private final Socket socket;
        private final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        private volatile String headers = "";

        private Listen(Socket socket) {
            this.socket = socket;
        }

        static Listen open(HttpFaceFixture fixture, Object id, String notifications) throws IOException {
            String idJson = id instanceof String s ? "\"" + s + "\"" : id.toString();
            byte[] body = """
                    {"jsonrpc":"2.0","id":%s,"method":"subscriptions/listen","params":{"notifications":%s,%s}}"""
                    .formatted(idJson, notifications, META).getBytes(StandardCharsets.UTF_8);
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), fixture.face.port());
            String head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + fixture.face.port() + "\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\n"
                    + "Mcp-Method: subscriptions/listen\r\nContent-Length: " + body.length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            Listen listen = new Listen(socket);
            Thread.ofVirtual().start(listen::read);
            return listen;
        }

        String contentType() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (headers.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            return headers.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-type:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("");
        }

        /** The next message (bounded wait). */
        JsonNode next() throws InterruptedException {
            JsonNode message = messages.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("a message on the listen stream within 10 s").isNotNull();
            return message;
        }

        /** Nothing more arrives for a while (keep-alive comments are not messages). */
        void assertQuiet() throws InterruptedException {
            assertThat(messages.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isNull();
        }

        private void read() {
            try (InputStream in = socket.getInputStream()) {
                StringBuilder head = new StringBuilder();
                for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
                    head.append(line).append('\n');
                }
                headers = head.toString();
                String lower = headers.toLowerCase(Locale.ROOT);
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                if (lower.contains("transfer-encoding: chunked")) {
                    StringBuilder pending = new StringBuilder();
                    for (String size = line(in); size != null && !size.isBlank(); size = line(in)) {
                        int length = Integer.parseInt(size.strip(), 16);
                        if (length == 0) {
                            break;
                        }
                        pending.append(new String(in.readNBytes(length), StandardCharsets.UTF_8));
                        line(in);
                        for (int end = pending.indexOf("\n\n"); end >= 0; end = pending.indexOf("\n\n")) {
                            event(pending.substring(0, end));
                            pending.delete(0, end + 2);
                        }
                    }
                } else {
                    int length = lower.lines().filter(l -> l.startsWith("content-length:"))
                            .mapToInt(l -> Integer.parseInt(l.substring(15).strip())).findFirst().orElse(0);
                    body.write(in.readNBytes(length));
                    messages.add(JSON.readTree(body.toString(StandardCharsets.UTF_8)));
                }
            } catch (IOException e) {
                // closed by the test, or by the server
            } finally {
                messages.add(JSON.readTree("{\"$eof\":true}"));
            }
        }

        private void event(String event) {
            List<String> data = new ArrayList<>();
            event.lines().filter(l -> l.startsWith("data:")).forEach(l -> data.add(l.substring(5).strip()));
            if (!data.isEmpty()) {
                messages.add(JSON.readTree(String.join("\n", data)));
            }
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    bytes.write(b);
                }
            }
            return b < 0 && bytes.size() == 0 ? null : bytes.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
