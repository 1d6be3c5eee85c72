package io.gatekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.testing.Processes;
import io.gatekit.testing.TestClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code gatekit gateway} as a real process with a config it cannot start on: a stdio client's first request is
 * answered with a JSON-RPC error that says what to fix, stdout carries nothing else, and the exit code is 1.
 */
@Timeout(90)
class FailedStartTest {
    private static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},\
            "clientInfo":{"name":"test","version":"1"}}}
            """;

    @TempDir
    Path dir;

    private record Run(int exit, List<String> stdout, String stderr) {}

    /** Starts the gateway on {@code yaml}, writes {@code input} to its stdin (then closes it unless told not to). */
    private Run gateway(String yaml, String input, boolean closeStdin) throws IOException, InterruptedException {
        Path config = dir.resolve("gatekit.yaml");
        Files.writeString(config, yaml);
        Path stderr = dir.resolve("stderr.log");
        Process process = new ProcessBuilder(Processes.gatekit("gateway", "--config", config.toString()))
                .redirectError(stderr.toFile())
                .start();
        OutputStream stdin = process.getOutputStream();
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        if (closeStdin) {
            stdin.close();
        }
        // The gateway exits after answering, so stdout ends: everything it ever wrote there is read here.
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("gateway exited").isTrue();
        stdin.close();
        return new Run(process.exitValue(), stdout.lines().toList(), Files.readString(stderr));
    }

    @Test
    void invalidConfig_initializeGetsEveryProblem_notificationsAreIgnored_exitIsOne() throws Exception {
        Run run = gateway("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: demo
                      comand: ["x"]
                  timeouts: {request_timeout: -1}
                """, """
                {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":0}}
                """ + INITIALIZE, false);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stdout()).as("stdout carries the one answer and nothing else").hasSize(1);
        JsonNode answer = TestClient.JSON.readTree(run.stdout().getFirst());
        assertThat(answer.path("id").asInt()).isEqualTo(1);
        JsonNode error = answer.path("error");
        assertThat(error.path("code").asInt()).isEqualTo(ErrorCode.CONFIGURATION_INVALID.code()).isEqualTo(-32007);
        assertThat(error.path("message").asString())
                .startsWith("Gatekit cannot start: invalid configuration")
                .contains("gatekit.yaml:5:7: proxy.upstreams[0].comand: unknown key 'comand'; did you mean 'command'?")
                .contains("gatekit validate --config");
        JsonNode problems = error.path("data").path("problems");
        assertThat(problems.size()).isGreaterThanOrEqualTo(2);
        JsonNode misspelt = problems.valueStream()
                .filter(p -> p.path("field").asString().equals("proxy.upstreams[0].comand")).findFirst().orElseThrow();
        assertThat(misspelt.path("file").asString()).endsWith("gatekit.yaml");
        assertThat(misspelt.path("line").asInt()).isEqualTo(5);
        assertThat(misspelt.path("column").asInt()).isEqualTo(7);
        assertThat(misspelt.path("message").asString()).startsWith("unknown key 'comand'");
        assertThat(misspelt.path("suggestion").asString()).isEqualTo("command");
        assertThat(problems.valueStream().map(p -> p.path("field").asString())).contains("proxy.timeouts.request_timeout");
        assertThat(run.stderr()).contains("gatekit: invalid configuration").contains("answered the client's first request");
    }

    @Test
    void yamlSyntaxError_isAnsweredWithItsPosition() throws Exception {
        Run run = gateway("proxy:\n  upstreams: [unclosed\n", INITIALIZE, false);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stdout()).hasSize(1);
        JsonNode error = TestClient.JSON.readTree(run.stdout().getFirst()).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32007);
        assertThat(error.path("message").asString()).startsWith("Gatekit cannot start: invalid configuration");
        JsonNode problem = error.path("data").path("problems").path(0);
        assertThat(problem.path("line").asInt()).isPositive();
        assertThat(problem.path("message").asString()).isNotBlank();
        assertThat(problem.has("suggestion")).isFalse();
    }

    @Test
    void stdinClosedBeforeARequest_exitsOneWithoutWaiting() throws Exception {
        Run run = gateway("""
                proxy:
                  transport: stdio
                  upstreams:
                    - {name: demo, command: [x]}
                plugins:
                  security:
                    _global:
                      - handler: no_such_plugin
                """, "", true);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).contains("unknown plugin handler 'no_such_plugin'").contains("stdin closed before a request came");
    }

    @Test
    void httpTransport_exitsOneAtOnce_withoutReadingStdin() throws Exception {
        Run run = gateway("""
                proxy:
                  transport: http
                  http: {port: 99999}
                  upstreams:
                    - {name: demo, command: [x]}
                """, INITIALIZE, false);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).contains("proxy.http.port").doesNotContain("no request came", "answered the client");
    }
}
