package io.gatekit.faces.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.TestClient;
import io.gatekit.upstream.Upstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * 2026-07-28 multi round-trip requests (MRTR) through the gateway, on its HTTP face (modern era) and on stdio,
 * against the demo server's {@code confirm} tool; and the caching hints ({@code ttlMs}, {@code cacheScope}) of
 * merged lists, from demo upstreams told (by environment) which hints to give.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpMrtrAndCachingTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String META = """
            "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",
             "io.modelcontextprotocol/clientCapabilities":{"elicitation":{"form":{}}},
             "io.modelcontextprotocol/clientInfo":{"name":"mrtr-test","version":"0"}}""";
    private static final Pattern STATE = Pattern.compile("\"requestState\"\\s*:\\s*\"([^\"]*)\"");

    /** Two demo upstreams {@code a} and {@code b} with the given extra lines under each (indented for the list). */
    private static HttpFaceFixture twoUpstreams(String aExtras, String bExtras) throws Exception {
        HttpFaceFixture fixture = HttpFaceFixture.start("""
                proxy:
                  transport: http
                  http:
                    host: 127.0.0.1
                    port: 0
                  upstreams:
                    - name: a
                      command: %%DEMO%%
                %s
                    - name: b
                      command: %%DEMO%%
                %s
                """.formatted(aExtras, bExtras));
        for (String name : List.of("a", "b")) {
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> fixture.gateway.upstream(name).orElseThrow().state() == Upstream.State.READY);
        }
        return fixture;
    }

    private static String env(String ttl, String scope) {
        return "      env: {DEMO_LIST_TTL_MS: \"%s\"%s}".formatted(ttl, scope == null ? "" : ", DEMO_LIST_CACHE_SCOPE: \"" + scope + "\"");
    }

    private static HttpResponse<String> modern(HttpFaceFixture f, String method, String name, String params) throws Exception {
        var builder = f.post(null, """
                {"jsonrpc":"2.0","id":"%s","method":"%s","params":{%s%s}}""".formatted(
                        "r" + System.nanoTime(), method, params.isEmpty() ? "" : params + ",", META))
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", method);
        if (name != null) {
            builder.header("Mcp-Name", name);
        }
        return f.send(builder.build());
    }

    /** The JSON-RPC message of a POST answer, JSON or the last event of an event stream. */
    private static String body(HttpResponse<String> response) {
        if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            return response.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).reduce((x, y) -> y).orElseThrow();
        }
        return response.body();
    }

    @Test
    void mrtrOverModernHttp_inputRequiredPassesThroughUnchanged_andTheRetryCompletesOnTheSameUpstream() throws Exception {
        try (HttpFaceFixture f = twoUpstreams("", "")) {
            HttpResponse<String> first = modern(f, "tools/call", "a__confirm", "\"name\":\"a__confirm\",\"arguments\":{\"message\":\"Go?\"}");
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            String raw = body(first);
            JsonNode result = JSON.readTree(raw).path("result");
            assertThat(result.path("resultType").asString()).isEqualTo("input_required");
            assertThat(result.path("inputRequests").path("ok").path("method").asString()).isEqualTo("elicitation/create");
            assertThat(result.path("inputRequests").path("ok").path("params").path("message").asString()).isEqualTo("Go?");
            // Nothing added: no cache hints on an incomplete result, no "complete".
            assertThat(result.propertyNames()).containsExactlyInAnyOrder("resultType", "inputRequests", "requestState");
            Matcher matcher = STATE.matcher(raw);
            assertThat(matcher.find()).as(raw).isTrue();
            String state = matcher.group(1);
            assertThat(state).startsWith("mrtr+").endsWith("/=").isEqualTo(result.path("requestState").asString());

            // A retry sent to the other upstream is refused there: the state is bound to the server that minted it.
            String retryParams = """
                    "name":"%s","arguments":{"message":"Go?"},"inputResponses":{"ok":{"action":"accept","content":{"confirm":true}}},
                    "requestState":"%s\"""";
            HttpResponse<String> wrong = modern(f, "tools/call", "b__confirm", retryParams.formatted("b__confirm", state));
            assertThat(JSON.readTree(body(wrong)).path("error").path("message").asString()).contains("requestState");

            HttpResponse<String> retry = modern(f, "tools/call", "a__confirm", retryParams.formatted("a__confirm", state));
            assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
            JsonNode done = JSON.readTree(body(retry)).path("result");
            assertThat(done.path("resultType").asString()).isEqualTo("complete");
            assertThat(done.path("content").path(0).path("text").asString()).isEqualTo("confirmed: accept true");

            // The state was single-use: the gateway did not answer the retry from anything it kept.
            HttpResponse<String> again = modern(f, "tools/call", "a__confirm", retryParams.formatted("a__confirm", state));
            assertThat(JSON.readTree(body(again)).path("error").path("code").asInt()).isEqualTo(-32602);
        }
    }

    @Test
    void mrtrOnStdio_passesThroughUnchanged_andTheRetryReachesTheSameUpstream() {
        try (GatewayFixture fixture = GatewayFixture.start("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: a
                      command: %DEMO%
                    - name: b
                      command: %DEMO%
                """)) {
            TestClient client = fixture.connect();
            client.initialize(null);
            JsonNode first = client.call("tools/call", TestClient.toolCall("a__confirm", "message", "Sure?"));
            JsonNode result = first.path("result");
            assertThat(result.path("resultType").asString()).as("%s", first).isEqualTo("input_required");
            assertThat(result.propertyNames()).containsExactlyInAnyOrder("resultType", "inputRequests", "requestState");
            String state = result.path("requestState").asString();
            assertThat(state).startsWith("mrtr+").endsWith("/=");

            ObjectNode retry = TestClient.toolCall("a__confirm", "message", "Sure?");
            retry.putObject("inputResponses").putObject("ok").put("action", "decline");
            retry.put("requestState", state);
            ObjectNode elsewhere = retry.deepCopy().put("name", "b__confirm");
            assertThat(client.call("tools/call", elsewhere).path("error").path("message").asString()).contains("requestState");
            JsonNode done = client.call("tools/call", retry);
            assertThat(TestClient.text(done)).isEqualTo("confirmed: decline");
        }
    }

    /**
     * A stateless upstream (a second Gatekit, whose demo upstream gives 60 s public hints) is spoken to in the
     * 2026-07-28 era, so its hints survive the hop: the merged list a modern client gets keeps them.
     */
    @Test
    void cachingHintsOfAModernUpstreamReachModernClients(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        try (var upstream = io.gatekit.testing.HttpGatewayProcess.start(dir, """
                proxy:
                  transport: http
                  http: {host: 127.0.0.1, port: 0}
                  upstreams:
                    - name: demo
                      command: %%DEMO%%
                %s
                """.formatted(env("60000", "public")), Duration.ofSeconds(60));
                HttpFaceFixture f = HttpFaceFixture.start("""
                        proxy:
                          transport: http
                          http: {host: 127.0.0.1, port: 0}
                          upstreams:
                            - name: px
                              transport: http
                              url: "%s"
                        """.formatted(upstream.uri))) {
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> f.gateway.upstream("px").orElseThrow().state() == Upstream.State.READY);
            assertThat(f.gateway.upstream("px").orElseThrow().isModern()).isTrue();
            JsonNode tools = JSON.readTree(body(modern(f, "tools/list", null, ""))).path("result");
            assertThat(TestClient.names(tools.path("tools"), "name")).contains("px__demo__echo");
            assertThat(tools.path("cacheScope").asString()).isEqualTo("public");
            assertThat(tools.path("ttlMs").asLong()).isBetween(1L, 60000L);
        }
    }

    @Test
    void mergedLists_carryTheMinimumTtl_andPublicOnlyWhenEveryPartIs() throws Exception {
        try (HttpFaceFixture f = twoUpstreams(env("60000", "public"), env("5000", "public"))) {
            JsonNode tools = JSON.readTree(body(modern(f, "tools/list", null, ""))).path("result");
            assertThat(tools.path("tools").size()).isGreaterThan(10);
            assertThat(tools.path("cacheScope").asString()).isEqualTo("public");
            // The minimum, less the age of the gateway's merged copy.
            assertThat(tools.path("ttlMs").asLong()).isBetween(1L, 5000L);
            JsonNode prompts = JSON.readTree(body(modern(f, "prompts/list", null, ""))).path("result");
            assertThat(prompts.path("ttlMs").asLong()).isBetween(1L, 5000L);
            assertThat(prompts.path("cacheScope").asString()).isEqualTo("public");
        }
        try (HttpFaceFixture f = twoUpstreams(env("60000", "public"), env("30000", "private"))) {
            JsonNode tools = JSON.readTree(body(modern(f, "tools/list", null, ""))).path("result");
            assertThat(tools.path("cacheScope").asString()).isEqualTo("private");
            assertThat(tools.path("ttlMs").asLong()).isBetween(1L, 30000L).isGreaterThan(20000L);
        }
        // A part without hints (a legacy upstream) makes the whole list 0 / private.
        try (HttpFaceFixture f = twoUpstreams(env("60000", "public"), "")) {
            JsonNode tools = JSON.readTree(body(modern(f, "tools/list", null, ""))).path("result");
            assertThat(tools.path("ttlMs").asLong()).isZero();
            assertThat(tools.path("cacheScope").asString()).isEqualTo("private");
            assertThat(tools.path("resultType").asString()).isEqualTo("complete");
        }
    }

    @Test
    void mrtrAskingForInputTheClientDidNotDeclare_isRefusedWithMissingCapability() throws Exception {
        try (HttpFaceFixture f = twoUpstreams("", "")) {
            HttpResponse<String> response = f.send(f.modernPost("""
                    {"jsonrpc":"2.0","id":"n1","method":"tools/call","params":{"name":"a__confirm","arguments":{"message":"Go?"},
                     "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",
                     "io.modelcontextprotocol/clientCapabilities":{}}}}""").build());
            JsonNode error = JSON.readTree(body(response)).path("error");
            assertThat(error.path("code").asInt()).as(response.body()).isEqualTo(-32021);
            // The revision answers its own request errors (MissingRequiredClientCapability included) with 400.
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(error.path("data").path("requiredCapabilities").path(0).asString()).isEqualTo("elicitation");
        }
    }
}
