package io.gatekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatekit validate} as a real process: exit codes and messages with file, line and field. */
@Timeout(60)
class ValidateCommandTest {
    @TempDir
    Path dir;

    private record Result(int exit, String stderr) {}

    private Result validate(String yaml) throws IOException, InterruptedException {
        Path config = dir.resolve("gatekit.yaml");
        Files.writeString(config, yaml);
        Process process = new ProcessBuilder(Processes.gatekit("validate", "--config", config.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), stderr);
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
                      - handler: basic_pii_filtr
                        config: {enabled: true, action: redact}
                """);
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.stderr()).contains("gatekit.yaml:9:").contains("unknown plugin handler 'basic_pii_filtr'")
                .contains("did you mean 'basic_pii_filter'");
    }
}
