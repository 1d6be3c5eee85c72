package io.gatekit.faces.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The legacy Streamable HTTP face over real loopback HTTP, against a real gateway and demo upstream: statuses
 * and JSON-RPC error bodies for bad requests, the session lifecycle, event streams, and cancellation when a
 * client goes away.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpFaceTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static HttpFaceFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = HttpFaceFixture.demo("""
                sse_keep_alive: 0.3
                session_idle_timeout: 2
                """, """
                limits:
                  max_message_bytes: 4096
                """);
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.close();
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static String call(int id, String tool, String args) {
        return """
                {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"%s","arguments":%s}}""".formatted(id, tool, args);
    }

    @Test
    void initialize_mintsASecureSessionId_andACallIsAnsweredAsJson() throws Exception {
        String session = f.initialize();
        assertThat(session).matches("[\\x21-\\x7E]{22,}");
        HttpResponse<String> echo = f.send(f.post(session, call(2, "demo__echo", "{\"message\":\"hi\"}")).build());
        assertThat(echo.statusCode()).isEqualTo(200);
        assertThat(echo.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(echo).path("result").path("content").path(0).path("text").asString()).isEqualTo("hi");
        assertThat(f.initialize()).isNotEqualTo(session);
    }

    @Test
    void slowCall_withProgress_isAnsweredAsAnEventStreamWithUniqueIds() throws Exception {
        String session = f.initialize();
        HttpResponse<String> slow = f.send(f.post(session, """
                {"jsonrpc":"2.0","id":"s","method":"tools/call","params":{"name":"demo__sleep","arguments":{"ms":900,"steps":3},"_meta":{"progressToken":7}}}""").build());
        assertThat(slow.statusCode()).isEqualTo(200);
        assertThat(slow.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        List<String> ids = slow.body().lines().filter(l -> l.startsWith("id: ")).toList();
        List<String> data = slow.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(ids).doesNotHaveDuplicates().hasSize(data.size());
        assertThat(data).filteredOn(d -> d.contains("notifications/progress")).hasSize(3);
        assertThat(data.getLast()).contains("\"id\":\"s\"").contains("slept 900 ms");
    }

    @Test
    void notificationsAndResponses_get202() throws Exception {
        String session = f.initialize();
        HttpResponse<String> note = f.send(f.post(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}").build());
        assertThat(note.statusCode()).isEqualTo(202);
        assertThat(note.body()).isEmpty();
        HttpResponse<String> reply = f.send(f.post(session, "{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{}}").build());
        assertThat(reply.statusCode()).isEqualTo(202);
    }

    @Test
    void missingSession_is400_unknownSession_is404_deletedSession_is404() throws Exception {
        HttpResponse<String> missing = f.send(f.post(null, call(1, "demo__echo", "{}")).build());
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing).path("error").path("message").asString()).contains("Mcp-Session-Id");
        HttpResponse<String> unknown = f.send(f.post("no-such-session", call(1, "demo__echo", "{}")).build());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("error").path("code").asInt()).isEqualTo(-32600);

        String session = f.initialize();
        HttpResponse<String> delete = f.send(HttpRequest.newBuilder(f.uri()).DELETE().header("Mcp-Session-Id", session).build());
        assertThat(delete.statusCode()).isEqualTo(200);
        HttpResponse<String> after = f.send(f.post(session, call(2, "demo__echo", "{}")).build());
        assertThat(after.statusCode()).isEqualTo(404);
        HttpResponse<String> deleteAgain = f.send(HttpRequest.newBuilder(f.uri()).DELETE().header("Mcp-Session-Id", session).build());
        assertThat(deleteAgain.statusCode()).isEqualTo(404);
    }

    @Test
    void badRequests_getTheRightStatus_andAJsonRpcErrorBody() throws Exception {
        String session = f.initialize();
        HttpResponse<String> parse = f.send(f.post(session, "{not json").build());
        assertThat(parse.statusCode()).isEqualTo(400);
        assertThat(json(parse).path("error").path("code").asInt()).isEqualTo(-32700);

        HttpResponse<String> invalid = f.send(f.post(session, "{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"ping\"}").build());
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid).path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(json(invalid).path("id").asInt()).isEqualTo(5);

        HttpResponse<String> type = f.send(f.post(session, call(3, "demo__echo", "{}")).setHeader("Content-Type", "text/plain").build());
        assertThat(type.statusCode()).isEqualTo(415);
        assertThat(json(type).path("error").path("message").asString()).contains("Content-Type");

        HttpResponse<String> accept = f.send(f.post(session, call(4, "demo__echo", "{}")).setHeader("Accept", "text/html").build());
        assertThat(accept.statusCode()).isEqualTo(406);

        String huge = call(6, "demo__echo", "{\"message\":\"" + "x".repeat(5000) + "\"}");
        HttpResponse<String> big = f.send(f.post(session, huge).build());
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(json(big).path("error").path("message").asString()).contains("max_message_bytes");

        HttpResponse<String> version = f.send(f.post(session, call(7, "demo__echo", "{}")).setHeader("MCP-Protocol-Version", "1999-01-01").build());
        assertThat(version.statusCode()).isEqualTo(400);
        assertThat(json(version).path("error").path("message").asString()).contains("MCP-Protocol-Version");

        HttpResponse<String> put = f.send(HttpRequest.newBuilder(f.uri()).PUT(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, POST, DELETE");

        // The session survived all of that.
        assertThat(f.send(f.post(session, call(8, "demo__echo", "{\"message\":\"ok\"}")).build()).statusCode()).isEqualTo(200);
    }

    @Test
    void repeatedKey_is400WithInvalidRequest_namingTheKey_andTheSessionGoesOn() throws Exception {
        String session = f.initialize();
        HttpResponse<String> arguments = f.send(f.post(session,
                call(9, "demo__echo", "{\"message\":\"ok\",\"message\":\"dup\"}")).build());
        assertThat(arguments.statusCode()).isEqualTo(400);
        assertThat(json(arguments).path("id").asInt()).isEqualTo(9);
        assertThat(json(arguments).path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(json(arguments).path("error").path("message").asString())
                .contains("duplicate key \"message\" at /params/arguments/message");

        // In the envelope, with the key spelled with an escape the second time: still one key, and no id is guessed.
        HttpResponse<String> envelope = f.send(f.post(session,
                "{\"jsonrpc\":\"2.0\",\"id\":10,\"\\u0069d\":11,\"method\":\"ping\"}").build());
        assertThat(envelope.statusCode()).isEqualTo(400);
        assertThat(json(envelope).path("id").isNull()).isTrue();
        assertThat(json(envelope).path("error").path("message").asString()).contains("duplicate key \"id\" at /id");

        assertThat(f.send(f.post(session, call(12, "demo__echo", "{\"message\":\"ok\"}")).build()).statusCode()).isEqualTo(200);
    }

    @Test
    void foreignHostOrOrigin_is403() throws Exception {
        assertThat(rawStatus("POST", "evil.example.com", null)).isEqualTo(403);
        assertThat(rawStatus("POST", "localhost:" + f.face.port(), "http://evil.example.com")).isEqualTo(403);
        assertThat(rawStatus("POST", "localhost:" + f.face.port(), "http://localhost:3000")).isEqualTo(200);
        assertThat(rawStatus("POST", "127.0.0.1:" + f.face.port(), null)).isEqualTo(200);
    }

    /** The HTTP fuzz finding (seed illegal-path-character): what Jetty refuses itself is a JSON-RPC error too. */
    @Test
    void requestsJettyRefusesBeforeTheEndpoint_getAJsonRpcErrorBody() throws Exception {
        for (String target : List.of("/\u0001", "/mcp%zz", "/mcp%00", "/a\"b")) {
            String[] answer = raw("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Length: 0\r\n\r\n");
            assertThat(answer[0]).as(target).matches("HTTP/1.1 4\\d\\d .*");
            assertThat(answer[1]).as(target).containsIgnoringCase("Content-Type: application/json");
            JsonNode error = JSON.readTree(answer[2]);
            assertThat(error.path("jsonrpc").asString()).isEqualTo("2.0");
            assertThat(error.path("error").path("code").asInt()).as(target).isEqualTo(-32600);
            assertThat(error.path("error").path("message").asString()).as(target).isNotBlank();
        }
        String[] badHeader = raw("GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\nConnection: close\r\n\r\n");
        assertThat(badHeader[0]).startsWith("HTTP/1.1 400");
        assertThat(JSON.readTree(badHeader[2]).path("error").path("code").asInt()).isEqualTo(-32600);
    }

    /** Sends raw bytes; returns the status line, the header block and the body. */
    private static String[] raw(String request) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), f.face.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String whole = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int headEnd = whole.indexOf("\r\n\r\n");
            assertThat(headEnd).as(whole).isPositive();
            int lineEnd = whole.indexOf("\r\n");
            return new String[] {whole.substring(0, lineEnd), whole.substring(lineEnd + 2, headEnd), whole.substring(headEnd + 4)};
        }
    }

    /** Sends an initialize with a hand-written Host (java.net.http will not let a test forge it). */
    private static int rawStatus(String method, String host, String origin) throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"0\"}}}";
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), f.face.port())) {
            socket.setSoTimeout(10_000);
            String head = method + " /mcp HTTP/1.1\r\nHost: " + host + "\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n")
                    + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                    + "Connection: close\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    @Test
    void getStream_carriesServerNotifications_andReplaysFromLastEventId() throws Exception {
        String session = f.initialize();
        HttpResponse<InputStream> stream = f.client.send(HttpRequest.newBuilder(f.uri()).header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        // A second GET stream on the same session is refused.
        HttpResponse<String> second = f.send(HttpRequest.newBuilder(f.uri()).header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session).GET().timeout(Duration.ofSeconds(5)).build());
        assertThat(second.statusCode()).isEqualTo(409);

        assertThat(f.send(f.post(session, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"debug\"}}").build()).statusCode()).isEqualTo(200);
        f.send(f.post(session, call(2, "demo__log", "{\"level\":\"warning\",\"text\":\"first\"}")).build());
        f.send(f.post(session, call(3, "demo__log", "{\"level\":\"warning\",\"text\":\"second\"}")).build());
        List<String[]> events = new ArrayList<>();
        String id = null;
        while (events.size() < 2) {
            String line = lines.readLine();
            if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("data: ") && line.contains("notifications/message")) {
                events.add(new String[] {id, line});
            }
        }
        stream.body().close();
        assertThat(events.get(0)[1]).contains("first");
        assertThat(events.get(1)[1]).contains("second");
        // Reconnect after the first event: the second is replayed.
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
            HttpResponse<InputStream> again = f.client.send(HttpRequest.newBuilder(f.uri()).header("Accept", "text/event-stream")
                    .header("Mcp-Session-Id", session).header("Last-Event-ID", events.get(0)[0]).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (again.statusCode() == 409) {
                again.body().close();
                return false; // the old stream has not noticed its client left yet
            }
            BufferedReader replay = new BufferedReader(new InputStreamReader(again.body(), StandardCharsets.UTF_8));
            String line;
            while ((line = replay.readLine()) != null && !line.startsWith("data: ")) {
                // skip ids and keep-alive comments
            }
            again.body().close();
            assertThat(line).contains("second");
            return true;
        });
    }

    @Test
    void clientThatVanishesMidCall_hasItsUpstreamRequestCancelled() throws Exception {
        String session = f.initialize();
        long before = cancelledRunning(session);
        long runningBefore = running(session);
        String body = call(2, "demo__sleep", "{\"ms\":20000}");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), f.face.port())) {
            String head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nMcp-Session-Id: " + session + "\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body;
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // the client vanishes only once the demo server reports the call running
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> running(session) > runningBefore);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cancelledRunning(session) > before);
    }

    private static long cancelledRunning(String session) throws Exception {
        return demoStats(session).path("cancelledRunning").asLong();
    }

    /** Requests the demo server is working on, not counting the stats call itself. */
    private static long running(String session) throws Exception {
        return demoStats(session).path("running").asLong();
    }

    private static JsonNode demoStats(String session) throws Exception {
        HttpResponse<String> stats = f.send(f.post(session, call(1000 + (int) (System.nanoTime() % 100000), "demo__stats", "{}")).build());
        return JSON.readTree(json(stats).path("result").path("content").path(0).path("text").asString());
    }

    @Test
    void deleteDuringACall_cancelsIt() throws Exception {
        String session = f.initialize();
        long before = cancelledRunning(session);
        long runningBefore = running(session);
        Future<HttpResponse<String>> pending = f.client.sendAsync(f.post(session, call(2, "demo__sleep", "{\"ms\":20000}")).build(),
                HttpResponse.BodyHandlers.ofString());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> running(session) > runningBefore);
        String other = f.initialize();
        assertThat(f.send(HttpRequest.newBuilder(f.uri()).DELETE().header("Mcp-Session-Id", session).build()).statusCode()).isEqualTo(200);
        HttpResponse<String> answer = pending.get(10, TimeUnit.SECONDS);
        assertThat(answer.body()).contains("session ended");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cancelledRunning(other) > before);
    }

    @Test
    void idleSessions_expire() throws Exception {
        String session = f.initialize();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
                f.send(HttpRequest.newBuilder(f.uri()).DELETE().header("Mcp-Session-Id", session).build()).statusCode() == 404);
    }

    @Test
    void manySessionsAtOnce_eachGetsItsOwnAnswers() throws Exception {
        int sessions = 50;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    String session = f.initialize();
                    for (int k = 0; k < 5; k++) {
                        HttpResponse<String> r = f.send(f.post(session, call(k, "demo__echo", "{\"message\":\"s" + n + "-" + k + "\"}")).build());
                        if (!r.body().contains("s" + n + "-" + k)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }
}
