package io.gatekit.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.Peers;
import io.gatekit.testing.Processes;
import io.gatekit.testing.TestClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real server (interop/python/sandbox_server.py, on the official Python SDK) behind the gateway in a bubblewrap
 * sandbox tries what the sandbox must refuse: a path it was not given, credentials inside a path it was given, the
 * system directories for writing, the network, more memory or CPU time than allowed. The same server without {@code network:
 * false} reaches the network, so a refusal is the sandbox's doing. Skipped where bubblewrap cannot run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SandboxedUpstreamTest {
    @TempDir
    static Path dir;
    private static Path allowed;
    private static Path home;
    private static Path secretFile;
    private static ServerSocket hostService;
    private static GatewayFixture f;
    private static TestClient client;

    @BeforeAll
    static void start() throws Exception {
        try {
            Sandbox.onThisHost().requireBubblewrap();
        } catch (SandboxUnavailableException e) {
            assumeTrue(false, "bubblewrap cannot run here, sandbox tests skipped: " + e.getMessage());
        }
        allowed = Files.createDirectories(dir.resolve("allowed"));
        Files.writeString(allowed.resolve("notes.txt"), "allowed content");
        secretFile = Files.writeString(Files.createDirectories(dir.resolve("elsewhere")).resolve("secret.txt"), "secret");
        home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(Files.createDirectories(home.resolve(".ssh")).resolve("id_ed25519"), "PRIVATE KEY");
        Files.writeString(Files.createDirectories(home.resolve(".config/gcloud")).resolve("credentials.db"), "token");
        Files.writeString(home.resolve(".git-credentials"), "https://user:token@example.com");
        Files.writeString(home.resolve("todo.txt"), "home content");
        hostService = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        String server = Processes.yamlList(Peers.pythonSandboxServer());
        Peers.requireInstalled(Peers.FILESYSTEM);
        f = GatewayFixture.start("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: boxed
                      command: %s
                      env: {HOME: "%s"}
                      sandbox:
                        enabled: true
                        paths: ["%s", "%s"]
                        network: false
                        max_memory_mb: 200
                    - name: networked
                      command: %s
                      sandbox: {enabled: true, paths: [], network: true}
                    - name: limited
                      command: %s
                      sandbox: {enabled: true, max_cpu_seconds: 4}
                    - name: files
                      command: %s
                      sandbox: {enabled: true, paths: ["%s"], network: false, max_memory_mb: 1024}
                """.formatted(server, home, allowed, home, server, server,
                Processes.yamlList(Peers.filesystem(allowed)), allowed));
        f.awaitReady("boxed");
        f.awaitReady("networked");
        f.awaitReady("limited");
        f.awaitReady("files");
        client = f.connect();
        client.initialize(null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) {
            f.close();
        }
        if (hostService != null) {
            hostService.close();
        }
    }

    @Test
    void allowedPath_isReadAndWritten() throws Exception {
        assertThat(call("boxed__read_file", "path", allowed.resolve("notes.txt").toString())).isEqualTo("ok: allowed content");
        Path written = allowed.resolve("from-sandbox.txt");
        assertThat(call("boxed__write_file", "path", written.toString(), "text", "hello")).startsWith("ok: ");
        assertThat(Files.readString(written, StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    @Test
    void pathNotGiven_isNotThere() {
        assertThat(call("boxed__read_file", "path", secretFile.toString())).startsWith("refused: FileNotFoundError");
        assertThat(call("boxed__list_dir", "path", dir.toString())).as("only what was given is there")
                .isEqualTo("ok: allowed\nhome");
    }

    @Test
    void systemDirectories_areReadOnly() {
        assertThat(call("boxed__read_file", "path", "/etc/hostname")).doesNotStartWith("refused: PermissionError");
        assertThat(call("boxed__write_file", "path", "/usr/gatekit-sandbox-test", "text", "x"))
                .startsWith("refused: OSError").contains("Read-only file system");
        assertThat(call("boxed__read_file", "path", "/etc/shadow")).as("hidden even from root")
                .startsWith("refused: PermissionError");
    }

    @Test
    void credentialsInsideAGivenPath_areHidden() {
        assertThat(call("boxed__read_file", "path", home.resolve("todo.txt").toString())).isEqualTo("ok: home content");
        assertThat(call("boxed__list_dir", "path", home.resolve(".ssh").toString())).isEqualTo("ok: ");
        assertThat(call("boxed__read_file", "path", home.resolve(".ssh/id_ed25519").toString()))
                .startsWith("refused: FileNotFoundError");
        assertThat(call("boxed__list_dir", "path", home.resolve(".config/gcloud").toString())).isEqualTo("ok: ");
        assertThat(call("boxed__read_file", "path", home.resolve(".git-credentials").toString()))
                .startsWith("refused: PermissionError");
        assertThat(call("boxed__write_file", "path", home.resolve(".ssh/authorized_keys").toString(), "text", "x"))
                .as("what the server writes there stays in the sandbox").startsWith("ok: ");
        assertThat(home.resolve(".ssh/authorized_keys")).doesNotExist();
    }

    @Test
    void networkOff_reachesNothingOnTheHost() {
        int port = hostService.getLocalPort();
        assertThat(call("boxed__connect", "host", "127.0.0.1", "port", port)).startsWith("refused: ConnectionRefusedError");
        assertThat(call("networked__connect", "host", "127.0.0.1", "port", port)).as("the same server with network on")
                .isEqualTo("ok: connected to 127.0.0.1:" + port);
    }

    @Test
    void memoryBeyondTheLimit_isRefused() {
        assertThat(call("boxed__allocate", "megabytes", 16)).isEqualTo("ok: allocated 16 MiB");
        assertThat(call("boxed__allocate", "megabytes", 1024)).startsWith("refused: MemoryError");
        assertThat(call("networked__allocate", "megabytes", 1024)).as("no limit configured")
                .isEqualTo("ok: allocated 1024 MiB");
    }

    @Test
    void nodeServer_runsSandboxed_withItsPackagesReadOnly() {
        assertThat(call("files__list_directory", "path", allowed.toString())).contains("[FILE] notes.txt");
    }

    @Test
    void cpuBeyondTheLimit_endsTheProcess() {
        long pid = f.upstream("limited").pid().orElseThrow();
        JsonNode response = client.call("tools/call", TestClient.toolCall("limited__spin"));

        assertThat(response.path("error").path("message").asString()).as("%s", response).contains("exit");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("killed by the kernel").isNotEqualTo(Optional.of(true));
    }

    private static String call(String tool, Object... arguments) {
        return TestClient.text(client.call("tools/call", TestClient.toolCall(tool, arguments)));
    }
}
