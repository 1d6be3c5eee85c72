package io.gatekit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.gatekit.testing.Peers;
import io.gatekit.testing.ProcessTree;
import io.gatekit.testing.Processes;
import io.gatekit.testing.TestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The official TypeScript SDK (v1) client, scripted by interop/peers/clients/ts-stdio-client.mjs, spawns
 * {@code gatekit gateway} over stdio exactly as a desktop client would, with the official server-everything
 * behind it. Nobody here wrote either end: the checks prove the gateway speaks the protocol as the reference
 * implementations understand it (handshake, tools, 50 concurrent calls, progress, cancellation, and the
 * sampling, roots and elicitation round trips).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TypeScriptSdkClientTest {
    /** The script's own backstop ends it at 59.5 s; this only guards against a hung Node. */
    private static final Duration RUN_LIMIT = Duration.ofSeconds(75);
    private static final List<String> ALL_CHECKS = List.of(
            "initialize", "tools", "echo", "concurrent", "progress", "cancel", "sampling", "roots", "elicitation", "ping");

    @TempDir
    Path dir;

    @BeforeAll
    static void peersInstalled() {
        Peers.requireInstalled(Peers.EVERYTHING, Peers.TS_SDK);
    }

    @Test
    void tsSdkClient_throughGatewayToServerEverything_passesEveryCheck() throws Exception {
        Run run = runScript(Peers.everythingGatewayConfig(), "everything__");

        run.assertAllPassed(ALL_CHECKS);
        JsonNode init = run.detail("initialize");
        assertThat(init.path("serverVersion").path("name").asString()).isEqualTo("gatekit");
        assertThat(init.path("protocolVersion").asString()).isEqualTo("2025-11-25");
        List<String> tools = names(run.detail("tools"));
        // Every tool is namespaced, and the tools server-everything only registers for a client that declared
        // sampling, roots and elicitation are there: the gateway declared those capabilities upstream.
        assertThat(tools).isNotEmpty().allMatch(name -> name.startsWith("everything__"))
                .contains("everything__trigger-sampling-request", "everything__get-roots-list",
                        "everything__trigger-elicitation-request", "everything__trigger-long-running-operation");
        // All four progress notifications reached the client: handled, or (an SDK v1 client quirk) dropped by
        // the SDK because the last one shared a read with the response. None was lost in the gateway.
        JsonNode progress = run.detail("progress");
        assertThat(progress.path("notifications").asInt() + progress.path("lateProgressDropped").asInt())
                .as("progress notifications delivered of 4: %s", progress).isEqualTo(4);
        // The aborted call ended at once (the gateway produced no late answer), and the session kept working.
        JsonNode cancel = run.detail("cancel");
        assertThat(cancel.path("rejectMs").asLong()).isLessThan(2_300);
        assertThat(cancel.path("echoText").asString()).contains("after cancel");
        // Each server-to-client request reached this client exactly once, and its answer went back upstream.
        assertThat(run.detail("sampling").path("samplingRequests").asInt()).isEqualTo(1);
        assertThat(run.detail("sampling").path("text").asString())
                .contains("gatekit-sampled: Resource trigger-sampling-request context: say hello to gatekit");
        assertThat(run.detail("elicitation").path("elicitationRequests").asInt()).isEqualTo(1);
        assertThat(run.detail("roots").path("text").asString()).contains("file:///tmp/gatekit-interop-root");
        assertThat(run.survivors).as("processes left running after the client closed").isEmpty();
    }

    @Test
    void tsSdkClient_withDemoAndEverythingBehindGateway_reachesEachUpstreamByPrefix() throws Exception {
        Run run = runScript("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: demo
                      command: %%DEMO%%
                    - name: everything
                      command: %s
                """.formatted(Processes.yamlList(Peers.everything())).replace("%DEMO%", Processes.demoServerYaml()),
                "demo__", "--scenario", "initialize,tools,echo,concurrent,ping");

        run.assertAllPassed(List.of("initialize", "tools", "echo", "concurrent", "ping"));
        List<String> tools = names(run.detail("tools"));
        assertThat(tools).contains("demo__echo", "demo__sleep", "everything__echo", "everything__get-sum")
                .allMatch(name -> name.startsWith("demo__") || name.startsWith("everything__"));
        // The gateway composed the upstreams' instructions into its own initialize result.
        assertThat(run.detail("initialize").path("hasInstructions").asBoolean()).isTrue();
        assertThat(run.detail("concurrent").path("matched").asInt()).isEqualTo(50);
        assertThat(run.survivors).as("processes left running after the client closed").isEmpty();
    }

    private static List<String> names(JsonNode toolsDetail) {
        List<String> names = new ArrayList<>();
        toolsDetail.path("names").forEach(n -> names.add(n.asString()));
        return names;
    }

    /** Runs the script with the gateway on {@code yaml} as its server; waits (bounded) for it to finish. */
    private Run runScript(String yaml, String prefix, String... options) throws Exception {
        Path config = dir.resolve("gatekit.yaml");
        Files.writeString(config, yaml);
        List<String> command = new ArrayList<>(List.of(Peers.node(), Peers.tsStdioClient().toString(), "--prefix", prefix));
        command.addAll(List.of(options));
        command.add("--");
        command.addAll(Processes.gatekit("gateway", "--config", config.toString()));
        Path stdout = dir.resolve("client-stdout.jsonl");
        Path stderr = dir.resolve("client-and-gateway-stderr.log");
        Process process = new ProcessBuilder(command)
                .directory(Path.of(System.getProperty("user.dir")).toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        process.getOutputStream().close();
        try (ProcessTree tree = ProcessTree.watch(process.toHandle())) {
            boolean exited = process.waitFor(RUN_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            List<String> survivors = exited ? tree.survivorsAfter(Duration.ofSeconds(10)) : List.of();
            assertThat(exited).as("the TS client did not finish within %s; stderr:%n%s", RUN_LIMIT, read(stderr)).isTrue();
            return new Run(process.exitValue(), parse(stdout, stderr), read(stderr), survivors);
        }
    }

    private static Map<String, JsonNode> parse(Path stdout, Path stderr) throws IOException {
        Map<String, JsonNode> lines = new LinkedHashMap<>();
        for (String line : Files.readAllLines(stdout)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = TestClient.JSON.readTree(line);
            } catch (RuntimeException e) {
                throw new AssertionError("the TS client printed a non-JSON line on stdout: " + line
                        + "\nstderr:\n" + read(stderr), e);
            }
            lines.put(node.has("done") ? "done" : node.path("check").asString(), node);
        }
        return lines;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** One finished run: exit code, check lines by name (plus "done"), stderr of the client and the gateway. */
    private record Run(int exitCode, Map<String, JsonNode> lines, String stderr, List<String> survivors) {
        JsonNode detail(String check) {
            return lines.getOrDefault(check, TestClient.object()).path("detail");
        }

        void assertAllPassed(List<String> expected) {
            List<String> problems = new ArrayList<>();
            for (String check : expected) {
                JsonNode line = lines.get(check);
                if (line == null) {
                    problems.add(check + ": not reported");
                } else if (!line.path("ok").asBoolean(false)) {
                    problems.add(check + ": FAILED " + line.path("detail"));
                }
            }
            JsonNode done = lines.get("done");
            if (done == null) {
                problems.add("no final {\"done\":true} line");
            } else if (done.path("failed").asInt(-1) != 0 || done.path("passed").asInt(-1) != expected.size()) {
                problems.add("summary " + done);
            }
            if (!problems.isEmpty()) {
                fail("TS SDK client checks through the gateway failed (exit code %d):%n%s%n--- stderr of the client"
                        + " and the gateway ---%n%s", exitCode, String.join("\n", problems), stderr);
            }
            assertThat(exitCode).as("exit code; stderr:%n%s", stderr).isZero();
        }
    }
}
