package io.gatekit.cli;

import static io.gatekit.testing.TestClient.await;
import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayProcess;
import io.gatekit.testing.TestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** The gateway as users run it: a process with MCP on stdio, bad input answered, clean exit on stdin EOF. */
@Timeout(90)
class StdioFaceTest {
    @TempDir
    static Path dir;
    private static GatewayProcess gateway;
    private static TestClient client;

    @BeforeAll
    static void start() {
        gateway = GatewayProcess.start(dir, """
                proxy:
                  transport: stdio
                  limits:
                    max_message_bytes: 4096
                  upstreams:
                    - name: demo
                      command: %DEMO%
                """);
        client = gateway.client;
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void initialize_negotiatesVersion_andMergesCapabilities() {
        JsonNode init = client.initialize(null);
        assertThat(init.path("result").path("protocolVersion").asString()).isEqualTo("2025-11-25");
        assertThat(init.path("result").path("serverInfo").path("name").asString()).isEqualTo("gatekit");
        assertThat(init.path("result").path("capabilities").has("tools")).isTrue();
        assertThat(init.path("result").path("instructions").asString()).contains("demo__");
        JsonNode tools = client.call("tools/list", null);
        assertThat(tools.path("result").path("tools").findValuesAsString("name"))
                .contains("demo__echo", "demo__sleep", "demo__sample");
        assertThat(text(client.call("tools/call", toolCall("demo__add", "a", 2, "b", 3)))).isEqualTo("5");
    }

    @Test
    void olderProtocolVersion_isEchoed_unknownOneGetsLatest() {
        JsonNode old = client.call("initialize", TestClient.object().put("protocolVersion", "2025-03-26"));
        assertThat(old.path("result").path("protocolVersion").asString()).isEqualTo("2025-03-26");
        JsonNode future = client.call("initialize", TestClient.object().put("protocolVersion", "2099-01-01"));
        assertThat(future.path("result").path("protocolVersion").asString()).isEqualTo("2025-11-25");
    }

    @Test
    void malformedInput_getsJsonRpcErrors_andTheConnectionSurvives() throws Exception {
        client.sendRaw("{not json");
        client.sendRaw("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
        client.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}");
        client.sendRaw("{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"ping\"}");
        client.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":\"x" + "y".repeat(5000) + "\",\"method\":\"ping\"}");
        List<JsonNode> errors = new java.util.ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode next;
            while ((next = client.unmatched.poll()) != null) {
                errors.add(next);
            }
            return errors.size() >= 5;
        });
        assertThat(errors).extracting(e -> e.path("error").path("code").asInt())
                .containsExactly(-32700, -32600, -32600, -32600, -32600);
        assertThat(errors.get(1).path("error").path("message").asString()).contains("batches are not supported");
        assertThat(errors.get(3).path("id").asInt()).isEqualTo(7);
        assertThat(errors.get(4).path("error").path("message").asString()).contains("max_message_bytes");
        assertThat(client.call("ping", null).path("result").isObject()).isTrue();
        assertThat(text(client.call("tools/call", toolCall("demo__echo", "message", "fine")))).isEqualTo("fine");
    }

    @Test
    void repeatedKey_atAnyDepth_isInvalidRequest_andTheConnectionSurvives() throws Exception {
        client.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":\"dup-arguments\",\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"demo__echo\",\"arguments\":{\"message\":\"ok\",\"message\":\"dup\"}}}");
        client.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":\"dup-escaped\",\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"demo__echo\",\"arguments\":{\"message\":\"ok\",\"\\u006dessage\":\"dup\"}}}");
        client.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":\"dup-params\",\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"demo__echo\",\"name\":\"demo__add\"}}");
        java.util.Map<String, JsonNode> errors = new java.util.HashMap<>();
        while (errors.size() < 3) {
            JsonNode next = client.unmatched.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(next).as("an answer to each refused line").isNotNull();
            errors.put(next.path("id").asString(), next.path("error"));
        }
        assertThat(errors.values()).allSatisfy(error -> assertThat(error.path("code").asInt()).isEqualTo(-32600));
        assertThat(errors.get("dup-arguments").path("message").asString())
                .contains("duplicate key \"message\" at /params/arguments/message");
        assertThat(errors.get("dup-escaped").path("message").asString())
                .contains("duplicate key \"message\" at /params/arguments/message");
        assertThat(errors.get("dup-params").path("message").asString()).contains("duplicate key \"name\" at /params/name");
        assertThat(text(client.call("tools/call", toolCall("demo__echo", "message", "ok")))).isEqualTo("ok");
    }

    @Test
    void unknownMethod_andUnknownTool_getPreciseErrors() {
        JsonNode method = client.call("no/such/method", null);
        assertThat(method.path("error").path("code").asInt()).isEqualTo(-32601);
        JsonNode tool = client.call("tools/call", toolCall("nobody__echo"));
        assertThat(tool.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(tool.path("error").path("message").asString()).contains("no upstream named 'nobody'");
        JsonNode unqualified = client.call("tools/call", toolCall("echo"));
        assertThat(unqualified.path("error").path("message").asString()).contains("<upstream>__<name>");
    }

    @Test
    void slowCall_doesNotBlockPing() {
        // Ordered, not timed: the ping is answered while the slow call is still in flight.
        var slow = client.request(JsonNodeFactory.instance.stringNode("slow-call"), "tools/call",
                toolCall("demo__sleep", "ms", 30000));
        assertThat(client.call("ping", null).has("result")).isTrue();
        assertThat(slow).isNotDone();
        client.notify("notifications/cancelled", JsonNodeFactory.instance.objectNode().put("requestId", "slow-call"));
    }
}
