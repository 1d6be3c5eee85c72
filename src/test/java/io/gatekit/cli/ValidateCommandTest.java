package io.gatekit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatekit.routing.ToolNames;
import io.gatekit.sandbox.Sandbox;
import io.gatekit.sandbox.SandboxUnavailableException;
import io.gatekit.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatekit validate} as a real process: exit codes and messages with file, line and field; with
 * {@code --connect}, the upstreams started and the tools listed under an alias reported.
 */
@Timeout(60)
class ValidateCommandTest {
    @TempDir
    Path dir;

    private record Result(int exit, String stdout, String stderr) {}

    private Result validate(String yaml, String... options) throws IOException, InterruptedException {
        return validateOnPath(null, yaml, options);
    }

    /** Validates with the gateway's PATH set to {@code path}, when not null. */
    private Result validateOnPath(@Nullable String path, String yaml, String... options)
            throws IOException, InterruptedException {
        Path config = dir.resolve("gatekit.yaml");
        Files.writeString(config, yaml);
        Path stderr = dir.resolve("stderr.txt");
        List<String> command = new ArrayList<>(Processes.gatekit("validate", "--config", config.toString()));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        if (path != null) {
            builder.environment().put("PATH", path);
        }
        Process process = builder.start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), stdout, Files.readString(stderr));
    }

    @Test
    void sandboxedUpstream_showsTheCommandTheGatewayRuns() throws Exception {
        try {
            Sandbox.onThisHost().requireBubblewrap();
        } catch (SandboxUnavailableException e) {
            assumeTrue(false, "bubblewrap cannot run here: " + e.getMessage());
        }
        Result result = validate("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: boxed
                      command: ["/bin/cat", "--show-all"]
                      sandbox: {enabled: true, network: false, paths: ["%s"], max_memory_mb: 64}
                """.formatted(dir));

        assertThat(result.exit()).as(result.stderr()).isZero();
        assertThat(result.stdout()).containsPattern("upstream boxed runs sandboxed: \\S*prlimit --data=67108864 -- \\S*bwrap ")
                .contains("--unshare-all").contains("--bind " + dir + " " + dir).endsWith("-- /bin/cat --show-all\n");
    }

    @Test
    void sandboxedUpstream_withoutBubblewrap_failsClosed() throws Exception {
        Path emptyPath = Files.createDirectories(dir.resolve("empty-path"));
        String yaml = """
                proxy:
                  transport: stdio
                  upstreams:
                    - name: boxed
                      command: ["/bin/cat"]
                      sandbox: {enabled: true}
                """;

        Result checked = validateOnPath(emptyPath.toString(), yaml);
        assertThat(checked.exit()).as(checked.stderr()).isEqualTo(2);
        assertThat(checked.stdout()).contains("upstream boxed: FAILED: upstream 'boxed' is not started: its sandbox cannot"
                + " be set up: bubblewrap (bwrap) is not on the gateway's PATH");

        Result connected = validateOnPath(emptyPath.toString(), yaml, "--connect");
        assertThat(connected.exit()).as(connected.stderr()).isEqualTo(2);
        assertThat(connected.stdout()).as("the gateway does not start it either").contains("0 tools")
                .contains("1 upstream(s) failed");
    }

    @Test
    void validConfig_exitsZero() throws Exception {
        Result result = validate("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: demo
                      command: ["gatekit", "demo-server"]
                """);
        assertThat(result.exit()).isZero();
        assertThat(result.stderr()).contains("OK").contains("1 upstreams");
    }

    @Test
    void badConfig_exitsOne_withFileLineAndField() throws Exception {
        Result result = validate("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: Bad__Name
                      comand: ["x"]
                """);
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.stderr()).contains("gatekit.yaml:4:").contains("proxy.upstreams[0].name")
                .contains("gatekit.yaml:5:").contains("did you mean 'command'");
    }

    @Test
    void unknownPluginHandler_isRefused_notIgnored() throws Exception {
        Result result = validate("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: demo
                      command: ["gatekit", "demo-server"]
                plugins:
                  security:
                    _global:
                      - handler: basic_pii_filtre
                        config: {enabled: true, action: redact}
                """);
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.stderr()).contains("gatekit.yaml:9:").contains("unknown plugin handler 'basic_pii_filtre'; did you mean 'basic_pii_filter'?")
                .contains("plugins.security._global[0].handler");
    }

    @Test
    void connect_reportsToolsListedUnderAnAlias_asWarnings_exitsZero() throws Exception {
        Result result = validate("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: files
                      command: %s
                      env: {DEMO_EXTRA_TOOL_NAMES: '["my tool", "a.b"]'}
                """.formatted(Processes.demoServerYaml()), "--connect");
        assertThat(result.exit()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("upstream files: ready")
                .contains("alias " + ToolNames.alias("files", "my tool") + " for tool \"my tool\" of upstream files: "
                        + ToolNames.Reason.ILLEGAL_CHARACTERS.description())
                .contains("alias " + ToolNames.alias("files", "a.b") + " for tool \"a.b\"")
                .contains("2 listed under an alias, 0 upstream(s) failed");
        assertThat(result.stderr()).contains("OK").contains("[WARN]").contains(ToolNames.alias("files", "my tool"));
    }

    @Test
    void connect_reportsAnUpstreamThatFailsToStart_exitsTwo() throws Exception {
        Result result = validate("""
                proxy:
                  transport: stdio
                  timeouts:
                    connection_timeout: 5
                  upstreams:
                    - name: broken
                      command: ["/nonexistent/mcp-server"]
                    - name: files
                      command: %s
                """.formatted(Processes.demoServerYaml()), "--connect");
        assertThat(result.exit()).as(result.stderr()).isEqualTo(2);
        assertThat(result.stdout()).contains("upstream broken: FAILED").contains("/nonexistent/mcp-server")
                .contains("upstream files: ready").contains("0 listed under an alias, 1 upstream(s) failed");
    }
}
