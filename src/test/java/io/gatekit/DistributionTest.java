package io.gatekit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The self-contained distribution works where a user puts it: the tarball {@code scripts/dist} built, unpacked into
 * a fresh directory, {@code bin/gatekit gateway} started with no JDK on the {@code PATH} and no {@code JAVA_HOME},
 * answers {@code initialize} over stdio with the demo server's capabilities (so the demo server ran too, on the
 * bundled runtime), with the AOT cache required ({@code -XX:AOTMode=on}: a cache the moved jar or runtime no longer
 * matches would stop the JVM instead of being skipped). Tagged "dist": it needs {@code scripts/dist} to have run
 * first, which runs it (jlink and the cache take longer than a unit test may).
 */
@Tag("dist")
@Timeout(120)
class DistributionTest {
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"dist-test\",\"version\":\"1\"}}}\n";

    @TempDir
    Path home;

    @Test
    void unpackedElsewhere_answersInitialize_onItsOwnRuntime_withTheCache() throws Exception {
        Path tarball = tarball();
        run(List.of("tar", "-xzf", tarball.toString(), "-C", home.toString()));
        Path dist;
        try (Stream<Path> entries = Files.list(home)) {
            dist = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        ProcessBuilder builder = new ProcessBuilder(dist.resolve("bin/gatekit").toString(), "gateway")
                .directory(home.toFile()).redirectError(home.resolve("stderr.txt").toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(Map.of("PATH", "/usr/bin:/bin", "HOME", home.toString(), "GATEKIT_JAVA_OPTS", "-XX:AOTMode=on"));
        Process gateway = builder.start();
        try {
            OutputStream stdin = gateway.getOutputStream();
            stdin.write(INITIALIZE.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            String line = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).as("stderr: %s", stderr()).isNotNull();

            JsonNode answer = JsonMapper.shared().readTree(line);
            assertThat(answer.path("id").asInt()).isEqualTo(1);
            assertThat(answer.path("result").path("serverInfo").path("name").asString()).isEqualTo("gatekit");
            assertThat(answer.path("result").path("capabilities").has("tools")).as("the demo server's tools").isTrue();
            String runtimeJava = dist.resolve("runtime/bin/java").toString();
            assertThat(gateway.toHandle().info().command()).hasValue(runtimeJava);
            assertThat(gateway.toHandle().descendants().map(p -> p.info().command().orElse("")))
                    .as("the demo server runs on the bundled runtime").contains(runtimeJava);

            stdin.close();
            assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(gateway.exitValue()).isZero();
            assertThat(stderr()).doesNotContain("AOT cache").doesNotContain("[warning]");
        } finally {
            gateway.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            gateway.destroyForcibly();
        }
    }

    private static Path tarball() throws IOException {
        Path dist = Path.of("target/dist");
        assertThat(dist).as("no target/dist: run scripts/dist first").isDirectory();
        try (Stream<Path> files = Files.list(dist)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-linux-" + arch() + ".tar.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/dist/gatekit-*.tar.gz: run scripts/dist first"));
        }
    }

    private static String arch() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch;
    }

    private String stderr() throws IOException {
        Path file = home.resolve("stderr.txt");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
    }
}
