package io.gatekit;

import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.Peers;
import io.gatekit.testing.Processes;
import io.gatekit.testing.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Real third-party servers side by side behind one gateway (server-everything, server-filesystem,
 * server-memory) with the demo server, one upstream slow to start and one that never starts.
 */
@Timeout(120)
class ManyRealUpstreamsTest {
    @TempDir
    Path dir;

    @Test
    void fourServersAsOne_collidingNamesKeptApart_slowAndBrokenUpstreamsIsolated() throws Exception {
        Peers.requireInstalled(Peers.EVERYTHING, Peers.FILESYSTEM, "@modelcontextprotocol/server-memory");
        Path files = Files.createDirectories(dir.resolve("files"));
        Files.writeString(files.resolve("hello.txt"), "hello from disk");
        String node = Peers.node();
        List<String> slow = new ArrayList<>(List.of("sh", "-c", "sleep 2; exec \"$0\" \"$@\""));
        slow.addAll(Processes.gatekit("demo-server"));
        String yaml = """
                proxy:
                  transport: stdio
                  timeouts:
                    request_timeout: 30
                    connection_timeout: 20
                  upstreams:
                    - name: everything
                      command: %s
                    - name: files
                      command: %s
                    - name: memory
                      command: %s
                      env: {MEMORY_FILE_PATH: "%s"}
                    - name: demo
                      command: %%DEMO%%
                    - name: slow
                      command: %s
                    - name: broken
                      command: ["%s", "-e", "process.exit(7)"]
                      restart_on_failure: false
                """.formatted(Processes.yamlList(Peers.everything()), Processes.yamlList(Peers.filesystem(files)),
                Processes.yamlList(List.of(node, Peers.nodeModules().resolve("@modelcontextprotocol/server-memory/dist/index.js").toString())),
                dir.resolve("memory.jsonl"), Processes.yamlList(slow), node);
        try (GatewayFixture fixture = GatewayFixture.start(yaml)) {
            TestClient client = fixture.connect();
            // The slow upstream is still starting: the call waits for it instead of failing.
            JsonNode slowCall = client.call("tools/call", toolCall("slow__echo", "message", "worth the wait"));
            assertThat(text(slowCall)).isEqualTo("worth the wait");
            JsonNode init = client.initialize(null);
            assertThat(init.path("result").path("capabilities").path("resources").path("subscribe").asBoolean()).isTrue();
            assertThat(init.path("result").path("instructions").asString()).contains("## everything");

            List<String> tools = TestClient.names(client.call("tools/list", null).path("result").path("tools"), "name");
            assertThat(tools).contains("everything__echo", "demo__echo", "slow__echo", "files__read_text_file",
                    "memory__create_entities").noneMatch(n -> n.startsWith("broken__"));
            // Same tool name in three upstreams, three different servers answering.
            assertThat(text(client.call("tools/call", toolCall("everything__echo", "message", "e")))).isEqualTo("Echo: e");
            assertThat(text(client.call("tools/call", toolCall("demo__echo", "message", "d")))).isEqualTo("d");
            assertThat(text(client.call("tools/call", toolCall("files__read_text_file", "path",
                    files.resolve("hello.txt").toString())))).contains("hello from disk");
            JsonNode created = client.call("tools/call", toolCall("memory__create_entities", "entities",
                    List.of(java.util.Map.of("name", "gatekit", "entityType", "gateway", "observations", List.of("fast")))));
            assertThat(created.path("result").path("isError").asBoolean(false)).isFalse();

            JsonNode broken = client.call("tools/call", toolCall("broken__anything"));
            assertThat(broken.path("error").path("message").asString()).contains("Upstream 'broken' is unavailable");
            JsonNode meta = client.call("tools/list", null).path("result").path("_meta").path("io.gatekit/unavailableUpstreams");
            assertThat(meta.has("broken")).isTrue();

            List<String> resources = TestClient.names(client.call("resources/list", null).path("result").path("resources"), "uri");
            assertThat(resources).anyMatch(u -> u.startsWith("everything__demo://")).contains("demo__demo://readme");
            String everythingUri = resources.stream().filter(u -> u.startsWith("everything__")).findFirst().orElseThrow();
            JsonNode read = client.call("resources/read", TestClient.object().put("uri", everythingUri));
            assertThat(read.path("result").path("contents").path(0).path("uri").asString())
                    .isEqualTo(everythingUri.substring("everything__".length()));
            List<String> templates = TestClient.names(client.call("resources/templates/list", null).path("result")
                    .path("resourceTemplates"), "uriTemplate");
            assertThat(templates).allMatch(t -> t.startsWith("everything__") || t.startsWith("files__") || t.startsWith("memory__"));
            List<String> prompts = TestClient.names(client.call("prompts/list", null).path("result").path("prompts"), "name");
            assertThat(prompts).contains("demo__greeting").anyMatch(p -> p.startsWith("everything__"));
        }
    }
}
