package io.gatekit.faces.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stateless 2026-07-28 era on the same endpoint as the legacy sessions, over real loopback HTTP against a
 * real gateway and demo upstream: server/discover, stateless calls with {@code resultType}, version and header
 * errors, and cancellation by closing the response stream.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpModernEraTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String META = """
            "_meta":{"io.modelcontextprotocol/protocolVersion":"%s","io.modelcontextprotocol/clientCapabilities":{},
             "io.modelcontextprotocol/clientInfo":{"name":"raw-modern","version":"0"}}""";
    private static HttpFaceFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = HttpFaceFixture.demo("sse_keep_alive: 0.3", "");
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.close();
        }
    }

    private static String meta(String version) {
        return META.formatted(version);
    }

    private static HttpRequest.Builder modernPost(String body) {
        return f.modernPost(body);
    }

    /**
     * A response's JSON body or, for a POST whose answer took longer than the keep-alive interval (0.3 s here; a
     * loaded machine can take that long), the last event of the stream it became.
     */
    private static JsonNode json(HttpResponse<String> response) {
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            return JSON.readTree(response.body());
        }
        String last = response.body().lines().filter(line -> line.startsWith("data:")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("an event stream without data: " + response.body()));
        return JSON.readTree(last.substring("data:".length()).strip());
    }

    @Test
    void serverDiscover_listsEveryVersion_theMergedCapabilities_andInstructions() throws Exception {
        int faceSessionsBefore = f.face.sessionCount();
        HttpResponse<String> discover = f.send(modernPost("""
                {"jsonrpc":"2.0","id":"d","method":"server/discover","params":{%s}}""".formatted(meta("2026-07-28")))
                .setHeader("Mcp-Method", "server/discover").build());
        assertThat(discover.statusCode()).as(discover.body()).isEqualTo(200);
        assertThat(discover.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonNode result = json(discover).path("result");
        assertThat(result.path("supportedVersions").valueStream().map(JsonNode::asString).toList())
                .containsExactly("2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
        assertThat(result.path("capabilities").path("tools").path("listChanged").asBoolean()).isTrue();
        assertThat(result.path("capabilities").has("resources")).isTrue();
        assertThat(result.path("instructions").asString()).contains("## demo");
        assertThat(result.path("resultType").asString()).isEqualTo("complete");
        assertThat(result.path("ttlMs").isNumber()).isTrue();
        assertThat(result.path("cacheScope").asString()).isEqualTo("private");
        assertThat(result.path("_meta").path("io.modelcontextprotocol/serverInfo").path("name").asString()).isEqualTo("gatekit");
        assertThat(f.face.sessionCount()).isEqualTo(faceSessionsBefore);
    }

    @Test
    void statelessCall_isAnsweredWithoutASession_andCarriesResultTypeComplete() throws Exception {
        int faceSessionsBefore = f.face.sessionCount();
        int sessionsBefore = f.gateway.sessions().all().size();
        HttpResponse<String> echo = f.send(modernPost("""
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"demo__echo","arguments":{"message":"modern"},%s}}"""
                .formatted(meta("2026-07-28"))).setHeader("Mcp-Method", "tools/call").setHeader("Mcp-Name", "demo__echo").build());
        assertThat(echo.statusCode()).as(echo.body()).isEqualTo(200);
        assertThat(echo.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonNode result = json(echo).path("result");
        assertThat(result.path("content").path(0).path("text").asString()).isEqualTo("modern");
        assertThat(result.path("resultType").asString()).isEqualTo("complete");

        HttpResponse<String> list = f.send(modernPost("""
                {"jsonrpc":"2.0","id":2,"method":"tools/list","params":{%s}}""".formatted(meta("2026-07-28"))).build());
        JsonNode tools = json(list).path("result");
        assertThat(tools.path("tools").valueStream().map(t -> t.path("name").asString()).toList()).contains("demo__echo");
        assertThat(tools.path("resultType").asString()).isEqualTo("complete");
        // A legacy upstream gives no caching hints: the conservative default.
        assertThat(tools.path("cacheScope").asString()).isEqualTo("private");
        assertThat(tools.path("ttlMs").isIntegralNumber()).as("%s", tools).isTrue();
        assertThat(tools.path("ttlMs").asLong()).isZero();

        // The one-request clients are gone once answered.
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> f.gateway.sessions().all().size() == sessionsBefore);
        assertThat(f.face.sessionCount()).isEqualTo(faceSessionsBefore);
    }

    @Test
    void slowStatelessCall_streamsItsProgress_andEndsWithTheCompleteResult() throws Exception {
        HttpResponse<String> slow = f.send(modernPost("""
                {"jsonrpc":"2.0","id":"s","method":"tools/call","params":{"name":"demo__sleep","arguments":{"ms":900,"steps":3},
                 "_meta":{"progressToken":"t","io.modelcontextprotocol/protocolVersion":"2026-07-28",
                 "io.modelcontextprotocol/clientCapabilities":{}}}}""").build());
        assertThat(slow.statusCode()).isEqualTo(200);
        assertThat(slow.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        List<String> data = slow.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data).filteredOn(d -> d.contains("notifications/progress")).hasSize(3);
        JsonNode last = JSON.readTree(data.getLast());
        assertThat(last.path("id").asString()).isEqualTo("s");
        assertThat(last.path("result").path("resultType").asString()).isEqualTo("complete");
    }

    @Test
    void unsupportedVersion_is400WithUnsupportedProtocolVersionError() throws Exception {
        HttpResponse<String> response = f.send(f.post(null, """
                {"jsonrpc":"2.0","id":3,"method":"tools/list","params":{%s}}""".formatted(meta("2099-01-01"))).build());
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32022);
        assertThat(error.path("data").path("requested").asString()).isEqualTo("2099-01-01");
        assertThat(error.path("data").path("supported").valueStream().map(JsonNode::asString).toList())
                .contains("2026-07-28", "2025-11-25");
        assertThat(json(response).path("id").asInt()).isEqualTo(3);
    }

    @Test
    void headersThatDisagreeWithTheBody_are400HeaderMismatch() throws Exception {
        String body = """
                {"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"demo__echo","arguments":{},%s}}""".formatted(meta("2026-07-28"));
        HttpResponse<String> method = f.send(modernPost(body).setHeader("Mcp-Method", "tools/list").build());
        assertThat(method.statusCode()).isEqualTo(400);
        assertThat(json(method).path("error").path("code").asInt()).isEqualTo(-32020);

        HttpResponse<String> name = f.send(modernPost(body).setHeader("Mcp-Name", "demo__add").build());
        assertThat(name.statusCode()).isEqualTo(400);
        assertThat(json(name).path("error").path("code").asInt()).isEqualTo(-32020);

        HttpResponse<String> version = f.send(f.post(null, body).header("MCP-Protocol-Version", "2025-11-25").build());
        assertThat(version.statusCode()).isEqualTo(400);
        assertThat(json(version).path("error").path("code").asInt()).isEqualTo(-32020);

        // Mcp-Method is checked in the legacy era too.
        String session = f.initialize();
        HttpResponse<String> legacy = f.send(f.post(session, """
                {"jsonrpc":"2.0","id":5,"method":"tools/list"}""").setHeader("Mcp-Method", "tools/call").build());
        assertThat(legacy.statusCode()).isEqualTo(400);
        assertThat(json(legacy).path("error").path("code").asInt()).isEqualTo(-32020);
    }

    @Test
    void aModernRequestWithoutARequiredHeader_is400HeaderMismatchNamingIt() throws Exception {
        String call = """
                {"jsonrpc":"2.0","id":"h1","method":"tools/call","params":{"name":"demo__echo","arguments":{"message":"x"},%s}}"""
                .formatted(meta("2026-07-28"));
        HttpResponse<String> noMethod = f.send(f.post(null, call).header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Name", "demo__echo").build());
        HttpResponse<String> noName = f.send(f.post(null, call).header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tools/call").build());
        HttpResponse<String> noVersion = f.send(f.post(null, call).header("Mcp-Method", "tools/call")
                .header("Mcp-Name", "demo__echo").build());
        HttpResponse<String> listWithoutMethod = f.send(f.post(null, """
                {"jsonrpc":"2.0","id":"h2","method":"tools/list","params":{%s}}""".formatted(meta("2026-07-28")))
                .header("MCP-Protocol-Version", "2026-07-28").build());

        for (var missing : List.of(List.of(noMethod, "Mcp-Method"), List.of(noName, "Mcp-Name"),
                List.of(noVersion, "MCP-Protocol-Version"), List.of(listWithoutMethod, "Mcp-Method"))) {
            @SuppressWarnings("unchecked") HttpResponse<String> response = (HttpResponse<String>) missing.get(0);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            JsonNode error = json(response).path("error");
            assertThat(error.path("code").asInt()).as(response.body()).isEqualTo(-32020);
            assertThat(error.path("message").asString()).contains("missing").contains((String) missing.get(1));
        }
        assertThat(json(noMethod).path("id").asString()).isEqualTo("h1");
    }

    @Test
    void aModernNotificationNeedsNoMethodHeader_andIsAccepted() throws Exception {
        // The revision defines no header requirements for notification POSTs.
        HttpResponse<String> response = f.send(f.post(null, """
                {"jsonrpc":"2.0","method":"notifications/roots/list_changed","params":{%s}}""".formatted(meta("2026-07-28")))
                .header("MCP-Protocol-Version", "2026-07-28").build());
        assertThat(response.statusCode()).isEqualTo(202);
    }

    @Test
    void anUnknownModernMethod_is404MethodNotFound() throws Exception {
        HttpResponse<String> response = f.send(modernPost("""
                {"jsonrpc":"2.0","id":"u1","method":"tools/frobnicate","params":{%s}}""".formatted(meta("2026-07-28"))).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(response).path("error").path("code").asInt()).isEqualTo(-32601);
        assertThat(json(response).path("id").asString()).isEqualTo("u1");

        // A method of the legacy era only is unknown to the modern one, too.
        HttpResponse<String> setLevel = f.send(modernPost("""
                {"jsonrpc":"2.0","id":"u2","method":"logging/setLevel","params":{"level":"info",%s}}""".formatted(meta("2026-07-28"))).build());
        assertThat(setLevel.statusCode()).as(setLevel.body()).isEqualTo(404);
        assertThat(json(setLevel).path("error").path("code").asInt()).isEqualTo(-32601);
    }

    @Test
    void withoutTheMetaVersion_aRequestWithoutSession_keepsTheLegacy400() throws Exception {
        HttpResponse<String> response = f.send(f.post(null, """
                {"jsonrpc":"2.0","id":6,"method":"tools/list","params":{"_meta":{}}}""").build());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("error").path("message").asString()).contains("Mcp-Session-Id");
    }

    @Test
    void modernNotification_gets202() throws Exception {
        HttpResponse<String> response = f.send(modernPost("""
                {"jsonrpc":"2.0","method":"notifications/roots/list_changed","params":{%s}}""".formatted(meta("2026-07-28"))).build());
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void closingTheResponseStream_cancelsTheRequestUpstream() throws Exception {
        String session = f.initialize();
        long before = cancelledRunning(session);
        String body = """
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"demo__sleep","arguments":{"ms":20000},%s}}"""
                .formatted(meta("2026-07-28"));
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), f.face.port())) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\n"
                    + "Mcp-Method: tools/call\r\nMcp-Name: demo__sleep\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            // Wait until the first keep-alive shows the call is running (the answer has become an event stream).
            socket.setSoTimeout(10_000);
            byte[] buffer = new byte[4096];
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("keep-alive")) {
                int n = socket.getInputStream().read(buffer);
                assertThat(n).as("stream open: %s", seen).isPositive();
                seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } // the client closes the stream
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cancelledRunning(session) > before);
    }

    @Test
    void missingOrMalformedClientCapabilities_is400InvalidParams() throws Exception {
        for (String method : List.of("tools/list", "server/discover")) {
            HttpResponse<String> response = f.send(modernPost("""
                    {"jsonrpc":"2.0","id":11,"method":"%s","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"""
                    .formatted(method)).build());
            assertThat(response.statusCode()).as(method).isEqualTo(400);
            JsonNode error = json(response).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(-32602);
            assertThat(error.path("message").asString()).contains("io.modelcontextprotocol/clientCapabilities").contains("missing");
            assertThat(error.path("data").path("key").asString()).isEqualTo("io.modelcontextprotocol/clientCapabilities");
            assertThat(json(response).path("id").asInt()).isEqualTo(11);
        }
        HttpResponse<String> notObject = f.send(modernPost("""
                {"jsonrpc":"2.0","id":12,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",
                 "io.modelcontextprotocol/clientCapabilities":"all"}}}""").build());
        assertThat(notObject.statusCode()).isEqualTo(400);
        assertThat(json(notObject).path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(json(notObject).path("error").path("data").path("problem").asString()).isEqualTo("not an object");
    }

    @Test
    void getAndDeleteWithoutSession_keepTheLegacy400_evenForAModernClient() throws Exception {
        HttpResponse<String> get = f.send(HttpRequest.newBuilder(f.uri()).timeout(Duration.ofSeconds(5))
                .header("Accept", "text/event-stream").GET().build());
        assertThat(get.statusCode()).isEqualTo(400);
        assertThat(json(get).path("error").path("message").asString()).contains("Mcp-Session-Id");

        HttpResponse<String> modernGet = f.send(HttpRequest.newBuilder(f.uri()).timeout(Duration.ofSeconds(5))
                .header("Accept", "text/event-stream").header("MCP-Protocol-Version", "2026-07-28").GET().build());
        assertThat(modernGet.statusCode()).isEqualTo(400);
        assertThat(json(modernGet).path("error").path("message").asString()).contains("stateless").contains("no GET stream");

        for (String version : new String[] {null, "2026-07-28"}) {
            HttpRequest.Builder delete = HttpRequest.newBuilder(f.uri()).timeout(Duration.ofSeconds(5)).DELETE();
            if (version != null) {
                delete.header("MCP-Protocol-Version", version);
            }
            HttpResponse<String> deleted = f.send(delete.build());
            assertThat(deleted.statusCode()).as("DELETE with version %s", version).isEqualTo(400);
            assertThat(json(deleted).path("error").path("message").asString()).contains("Mcp-Session-Id");
        }
    }

    @Test
    void mcpNameHeader_isCheckedForEveryNamedMethod_andAcceptsTheBase64Form() throws Exception {
        HttpResponse<String> read = f.send(modernPost("""
                {"jsonrpc":"2.0","id":13,"method":"resources/read","params":{"uri":"demo__demo://readme",%s}}""".formatted(meta("2026-07-28")))
                .setHeader("Mcp-Method", "resources/read").setHeader("Mcp-Name", "demo__demo://other").build());
        assertThat(read.statusCode()).isEqualTo(400);
        assertThat(json(read).path("error").path("code").asInt()).isEqualTo(-32020);
        assertThat(json(read).path("error").path("message").asString()).contains("Mcp-Name");

        HttpResponse<String> prompt = f.send(modernPost("""
                {"jsonrpc":"2.0","id":14,"method":"prompts/get","params":{"name":"demo__greeting",%s}}""".formatted(meta("2026-07-28")))
                .setHeader("Mcp-Name", "demo__nope").build());
        assertThat(prompt.statusCode()).isEqualTo(400);
        assertThat(json(prompt).path("error").path("code").asInt()).isEqualTo(-32020);

        String encoded = "=?base64?" + java.util.Base64.getEncoder().encodeToString("demo__echo".getBytes(StandardCharsets.UTF_8)) + "?=";
        HttpResponse<String> ok = f.send(modernPost("""
                {"jsonrpc":"2.0","id":15,"method":"tools/call","params":{"name":"demo__echo","arguments":{"message":"b64"},%s}}"""
                .formatted(meta("2026-07-28"))).setHeader("Mcp-Method", "tools/call").setHeader("Mcp-Name", encoded).build());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json(ok).path("result").path("content").path(0).path("text").asString()).isEqualTo("b64");
    }

    @Test
    void aLegacySession_getsNoCachingHintsOnItsLists() throws Exception {
        String session = f.initialize();
        HttpResponse<String> list = f.send(f.post(session, """
                {"jsonrpc":"2.0","id":16,"method":"tools/list"}""").build());
        JsonNode result = json(list).path("result");
        assertThat(result.path("tools").isEmpty()).isFalse();
        assertThat(result.has("ttlMs")).isFalse();
        assertThat(result.has("cacheScope")).isFalse();
        assertThat(result.has("resultType")).isFalse();
        // End it, so the tests that count sessions see none.
        HttpResponse<String> ended = f.send(HttpRequest.newBuilder(f.uri()).timeout(Duration.ofSeconds(5))
                .header("Mcp-Session-Id", session).DELETE().build());
        assertThat(ended.statusCode()).isEqualTo(200);
    }

    @Test
    void oauthDiscoveryProbes_getACleanJson404() throws Exception {
        for (String path : List.of("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-authorization-server",
                "/.well-known/openid-configuration")) {
            HttpResponse<String> response = f.send(HttpRequest.newBuilder(f.uri().resolve(path)).timeout(Duration.ofSeconds(5)).GET().build());
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(json(response).path("error").path("message").asString()).contains("/mcp");
        }
    }

    private static long cancelledRunning(String session) throws Exception {
        HttpResponse<String> stats = f.send(f.post(session, """
                {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"demo__stats","arguments":{}}}"""
                .formatted(1000 + (int) (System.nanoTime() % 100000))).build());
        return JSON.readTree(json(stats).path("result").path("content").path(0).path("text").asString()).path("cancelledRunning").asLong();
    }
}
