package io.gatekit.faces.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.upstream.Upstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A 2026-07-28 client calling a handshake-era upstream's tool that asks the client for input (sampling,
 * elicitation): the gateway holds the upstream call, answers {@code input_required} with the upstream's request
 * as the input request, and the client's retry answers the upstream and gets the call's own result.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpHeldCallTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static HttpFaceFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = HttpFaceFixture.demo("", "");
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.close();
        }
    }

    private static JsonNode call(HttpFaceFixture f, String tool, String arguments, String capabilities, String extra) throws Exception {
        HttpResponse<String> response = f.send(f.post(null, """
                {"jsonrpc":"2.0","id":"%s","method":"tools/call","params":{"name":"%s","arguments":%s%s,
                 "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",
                  "io.modelcontextprotocol/clientCapabilities":%s,
                  "io.modelcontextprotocol/clientInfo":{"name":"held-call-test","version":"0"}}}}"""
                .formatted("r" + System.nanoTime(), tool, arguments, extra, capabilities))
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call").header("Mcp-Name", tool)
                .build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String body = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")
                ? response.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).reduce((x, y) -> y).orElseThrow()
                : response.body();
        return JSON.readTree(body);
    }

    private static String retryWith(String key, String answer, String state) {
        return ", \"inputResponses\":{\"%s\":%s}, \"requestState\":\"%s\"".formatted(key, answer, state);
    }

    private static final String SAMPLED = """
            {"role":"assistant","content":{"type":"text","text":"four"},"model":"test-model"}""";

    @Test
    void samplingDuringAModernCall_isAskedAsInputRequired_andTheRetryGetsTheToolsResult() throws Exception {
        JsonNode first = call(f, "demo__sample", "{\"prompt\":\"2+2?\"}", "{\"sampling\":{}}", "").path("result");
        assertThat(first.path("resultType").asString()).as(first.toString()).isEqualTo("input_required");
        assertThat(first.path("inputRequests").size()).isEqualTo(1);
        String key = first.path("inputRequests").propertyNames().iterator().next();
        JsonNode asked = first.path("inputRequests").path(key);
        assertThat(asked.path("method").asString()).isEqualTo("sampling/createMessage");
        assertThat(asked.path("params").path("messages").path(0).path("content").path("text").asString()).isEqualTo("2+2?");
        String state = first.path("requestState").asString();
        assertThat(state).startsWith("gk1.");

        JsonNode done = call(f, "demo__sample", "{\"prompt\":\"2+2?\"}", "{\"sampling\":{}}", retryWith(key, SAMPLED, state));
        assertThat(done.path("result").path("resultType").asString()).as(done.toString()).isEqualTo("complete");
        assertThat(done.path("result").path("content").path(0).path("text").asString()).isEqualTo("four");

        JsonNode replay = call(f, "demo__sample", "{\"prompt\":\"2+2?\"}", "{\"sampling\":{}}", retryWith(key, SAMPLED, state));
        assertThat(replay.path("error").path("code").asInt()).as(replay.toString()).isEqualTo(-32602);
    }

    @Test
    void anAlteredRequestState_isRefused_andTheHeldCallStillTakesTheGenuineRetry() throws Exception {
        JsonNode first = call(f, "demo__elicit", "{\"message\":\"Proceed?\"}", "{\"elicitation\":{\"form\":{}}}", "").path("result");
        assertThat(first.path("resultType").asString()).as(first.toString()).isEqualTo("input_required");
        String key = first.path("inputRequests").propertyNames().iterator().next();
        assertThat(first.path("inputRequests").path(key).path("method").asString()).isEqualTo("elicitation/create");
        String state = first.path("requestState").asString();
        String altered = state.substring(0, state.length() - 1) + (state.endsWith("A") ? "B" : "A");
        String accept = "{\"action\":\"accept\",\"content\":{\"answer\":\"yes\"}}";

        JsonNode forged = call(f, "demo__elicit", "{\"message\":\"Proceed?\"}", "{\"elicitation\":{\"form\":{}}}",
                retryWith(key, accept, altered));
        assertThat(forged.path("error").path("code").asInt()).as(forged.toString()).isEqualTo(-32602);
        JsonNode otherTool = call(f, "demo__sample", "{\"prompt\":\"x\"}", "{\"elicitation\":{\"form\":{}}}",
                retryWith(key, accept, state));
        assertThat(otherTool.path("error").path("code").asInt()).as(otherTool.toString()).isEqualTo(-32602);

        JsonNode done = call(f, "demo__elicit", "{\"message\":\"Proceed?\"}", "{\"elicitation\":{\"form\":{}}}",
                retryWith(key, accept, state));
        assertThat(done.path("result").path("resultType").asString()).as(done.toString()).isEqualTo("complete");
        assertThat(done.path("result").path("content").path(0).path("text").asString()).contains("accept");
    }

    @Test
    void aHeldCallThatIsNeverRetried_endsAtItsDeadline_andIsCancelledUpstream() throws Exception {
        try (HttpFaceFixture shortDeadline = HttpFaceFixture.demo("", "timeouts: {request_timeout: 2}")) {
            JsonNode first = call(shortDeadline, "demo__sample", "{\"prompt\":\"late\"}", "{\"sampling\":{}}", "").path("result");
            assertThat(first.path("resultType").asString()).isEqualTo("input_required");
            String key = first.path("inputRequests").propertyNames().iterator().next();
            // The upstream hears notifications/cancelled for the held call once its deadline passes.
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> call(shortDeadline, "demo__stats", "{}", "{}", "")
                    .path("result").path("content").path(0).path("text").asString().contains("\"cancelNotices\":1"));
            JsonNode late = call(shortDeadline, "demo__sample", "{\"prompt\":\"late\"}", "{\"sampling\":{}}",
                    retryWith(key, SAMPLED, first.path("requestState").asString()));
            assertThat(late.path("error").path("code").asInt()).as(late.toString()).isEqualTo(-32602);
        }
    }

    @Test
    void aModernClientWithoutTheCapability_isNotAsked() throws Exception {
        JsonNode answer = call(f, "demo__sample", "{\"prompt\":\"2+2?\"}", "{}", "");
        assertThat(answer.path("result").path("resultType").asString()).isNotEqualTo("input_required");
        assertThat(answer.toString()).containsAnyOf("sampling", "cannot forward");
    }
}
