package io.gatekit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.HttpGatewayProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real {@code gatekit gateway --config FILE} process with {@code proxy.transport: http} on port 0: the
 * endpoint is parsed from stderr, driven with java.net.http (initialize, a tool call, DELETE), and SIGTERM stops
 * the gateway and every upstream process it started.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HttpGatewayProcessTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void httpGatewayProcess_servesOnItsPrintedPort_andSigtermStopsItAndItsUpstreams() throws Exception {
        try (HttpGatewayProcess gateway = HttpGatewayProcess.demo(dir);
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            assertThat(gateway.uri.getHost()).isEqualTo("127.0.0.1");
            assertThat(gateway.uri.getPort()).isPositive();
            assertThat(gateway.uri.getPath()).isEqualTo("/mcp");

            HttpResponse<String> init = http.send(post(gateway, null, """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                     "capabilities":{},"clientInfo":{"name":"process-test","version":"0"}}}"""), HttpResponse.BodyHandlers.ofString());
            assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
            assertThat(JSON.readTree(init.body()).path("result").path("serverInfo").path("name").asString()).isEqualTo("gatekit");
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();

            HttpResponse<String> initialized = http.send(post(gateway, session,
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"), HttpResponse.BodyHandlers.ofString());
            assertThat(initialized.statusCode()).isEqualTo(202);

            HttpResponse<String> echo = http.send(post(gateway, session, """
                    {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"demo__echo","arguments":{"message":"over http"}}}"""),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(echo.statusCode()).as(echo.body()).isEqualTo(200);
            JsonNode result = JSON.readTree(echo.body()).path("result");
            assertThat(result.path("content").path(0).path("text").asString()).isEqualTo("over http");

            gateway.tree.record();
            assertThat(gateway.tree.describeSeen()).as("the demo upstream runs as a child of the gateway")
                    .anyMatch(p -> p.contains("demo-server"));

            HttpResponse<String> delete = http.send(HttpRequest.newBuilder(gateway.uri).timeout(Duration.ofSeconds(10))
                    .header("Mcp-Session-Id", session).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(delete.statusCode()).isEqualTo(200);
            HttpResponse<String> after = http.send(post(gateway, session, """
                    {"jsonrpc":"2.0","id":3,"method":"tools/list"}"""), HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).isEqualTo(404);

            int exit = gateway.terminate(Duration.ofSeconds(20));
            assertThat(exit).as(gateway.stderrText()).isIn(0, 143);
            assertThat(gateway.survivorsAfter(Duration.ofSeconds(10))).as("processes left after SIGTERM").isEmpty();
        }
    }

    private static HttpRequest post(HttpGatewayProcess gateway, String session, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(gateway.uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            builder.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        }
        return builder.build();
    }
}
