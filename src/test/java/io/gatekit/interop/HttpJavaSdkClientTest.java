package io.gatekit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.faces.http.HttpFaceFixture;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ClientCapabilities;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.InitializeResult;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official Java SDK client (io.modelcontextprotocol.sdk:mcp 2.1.0, {@link HttpClientStreamableHttpTransport})
 * against the gateway's Streamable HTTP face with the demo server behind it: handshake, tools, progress, and a
 * server-to-client sampling request delivered on the right stream and answered.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HttpJavaSdkClientTest {
    private static HttpFaceFixture gateway;
    private static McpSyncClient client;
    private static InitializeResult init;
    private static final ConcurrentLinkedQueue<Object> progress = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void connect() throws Exception {
        gateway = HttpFaceFixture.demo("", "");
        String base = "http://127.0.0.1:" + gateway.face.port();
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base).endpoint("/mcp").build();
        client = McpClient.sync(transport)
                .clientInfo(Implementation.builder("gatekit-java-sdk-http", "1.0.0").build())
                .requestTimeout(Duration.ofSeconds(20))
                .initializationTimeout(Duration.ofSeconds(20))
                .capabilities(ClientCapabilities.builder().sampling().build())
                .sampling(request -> CreateMessageResult.builder(Role.ASSISTANT,
                        TextContent.builder("sampled by the java client").build(), "test-model").build())
                .progressConsumer(progress::add)
                .build();
        init = client.initialize();
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.closeGracefully();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private static String text(CallToolResult result) {
        return result.content().stream().filter(TextContent.class::isInstance).map(c -> ((TextContent) c).text())
                .collect(Collectors.joining("\n"));
    }

    @Test
    void initialize_overHttp_negotiatesTheLatestLegacyVersion() {
        assertThat(init.protocolVersion()).isEqualTo("2025-11-25");
        assertThat(init.serverInfo().name()).isEqualTo("gatekit");
        assertThat(gateway.face.sessionCount()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void toolsListAndCall_overHttp() {
        List<String> names = client.listTools().tools().stream().map(Tool::name).toList();
        assertThat(names).contains("demo__echo", "demo__sleep", "demo__sample");
        CallToolResult echo = client.callTool(CallToolRequest.builder("demo__echo").arguments(Map.of("message", "via http")).build());
        assertThat(text(echo)).isEqualTo("via http");
        client.ping();
    }

    @Test
    void progress_reachesTheClient_onTheCallsStream() {
        progress.clear();
        CallToolResult slept = client.callTool(CallToolRequest.builder("demo__sleep")
                .arguments(Map.of("ms", 600, "steps", 3)).progressToken("java-p").build());
        assertThat(text(slept)).contains("slept 600 ms");
        assertThat(progress).hasSize(3);
    }

    @Test
    void sampling_serverToClientRequest_isDeliveredAndAnswered() {
        CallToolResult sampled = client.callTool(CallToolRequest.builder("demo__sample").arguments(Map.of("prompt", "hi")).build());
        assertThat(text(sampled)).contains("sampled by the java client");
    }
}
