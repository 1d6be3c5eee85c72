package io.gatekit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.Peers;
import io.gatekit.faces.http.HttpFaceFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official TypeScript SDK v1 client (StreamableHTTPClientTransport), scripted by
 * interop/peers/clients/ts-http-client.mjs, against the gateway's HTTP face with the demo server behind it.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HttpTypeScriptSdkClientTest {
    @TempDir
    Path dir;

    @Test
    void tsSdkHttpClient_passesEveryCheck() throws Exception {
        Peers.requireInstalled(Peers.TS_SDK);
        try (HttpFaceFixture gateway = HttpFaceFixture.demo("", "")) {
            Path script = Path.of(System.getProperty("user.dir"), "interop", "peers", "clients", "ts-http-client.mjs");
            Path out = dir.resolve("out.txt");
            Process process = new ProcessBuilder(List.of(Peers.node(), script.toString(), gateway.uri().toString()))
                    .redirectError(dir.resolve("err.txt").toFile()).redirectOutput(out.toFile()).start();
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            String output = Files.readString(out);
            String context = output + "\nstderr:\n" + Files.readString(dir.resolve("err.txt"));
            assertThat(ended).as("client ended: %s", context).isTrue();
            JsonMapper json = JsonMapper.builder().build();
            Map<String, JsonNode> checks = new HashMap<>();
            output.lines().map(json::readTree).filter(n -> n.has("check")).forEach(n -> checks.put(n.get("check").asString(), n));
            assertThat(checks.keySet()).as(context).containsExactlyInAnyOrder(
                    "initialize", "tools", "echo", "concurrent", "progress", "sampling", "ping", "terminate");
            assertThat(checks.values()).as(context).allMatch(n -> n.path("ok").asBoolean());
            assertThat(process.exitValue()).isZero();
            JsonNode init = checks.get("initialize").path("detail");
            assertThat(init.path("serverName").asString()).isEqualTo("gatekit");
            assertThat(checks.get("progress").path("detail").path("notifications").asInt()).isEqualTo(3);
            assertThat(checks.get("sampling").path("detail").path("samplingRequests").asInt()).isEqualTo(1);
            assertThat(gateway.face.sessionCount()).isZero();
        }
    }
}
