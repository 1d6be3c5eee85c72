package io.gatekit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.faces.http.HttpFaceFixture;
import io.gatekit.testing.Peers;
import io.gatekit.testing.Processes;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The era edge against the official MCP Python SDK: a server written with its high-level API, a stdio upstream in
 * the handshake (legacy) era, behind the HTTP face. The SDK refuses any request that carries a 2026-07-28
 * {@code _meta} envelope on a handshake connection, so a modern client's call only works if the gateway sends the
 * upstream the legacy envelope alone.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PythonSdkUpstreamTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static HttpFaceFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = HttpFaceFixture.single("py", Processes.yamlList(Peers.pythonEraServer()), "", "");
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void modernClient_callsAToolOfAHandshakeEraPythonServer() throws Exception {
        HttpResponse<String> response = f.send(f.modernPost("""
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"py__shout","arguments":{"text":"era edge"},
                 "_meta":{"progressToken":"p1","example.com/trace":"t-1",
                  "io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},
                  "io.modelcontextprotocol/clientInfo":{"name":"raw-modern","version":"0"},
                  "io.modelcontextprotocol/logLevel":"debug"}}}""")
                .build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = lastMessage(response);
        assertThat(body.path("error").isMissingNode()).as("%s", body).isTrue();
        assertThat(body.path("id").asInt()).isEqualTo(7);
        assertThat(body.path("result").path("content").path(0).path("text").asString()).isEqualTo("ERA EDGE");
        assertThat(body.path("result").path("resultType").asString()).isEqualTo("complete");
    }

    @Test
    void legacyClient_callsTheSameTool() throws Exception {
        String session = f.initialize();
        HttpResponse<String> response = f.send(f.post(session, """
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"py__add","arguments":{"a":2,"b":40},
                 "_meta":{"progressToken":"p2"}}}""").build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = lastMessage(response);
        assertThat(body.path("result").path("content").path(0).path("text").asString()).as("%s", body).isEqualTo("42");
    }

    /** The JSON body, or the last event of an event stream (the response). */
    private static JsonNode lastMessage(HttpResponse<String> response) {
        String text = response.body();
        if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            text = text.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).reduce((a, b) -> b).orElseThrow();
        }
        return JSON.readTree(text);
    }
}
