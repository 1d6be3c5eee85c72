package io.gatekit.interop;

import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayProcess;
import io.gatekit.testing.Peers;
import io.gatekit.testing.Processes;
import io.gatekit.testing.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The official server-filesystem behind the gateway (a real child process of {@code gatekit gateway}), driven by
 * a plain JSON-RPC client on the gateway's stdio. Besides tools, it is the real peer that exercises roots:
 * after {@code initialized} it asks the gateway for {@code roots/list} (the gateway declared roots) and replaces
 * its allowed directories with the answer, so what the gateway answers has a visible effect.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FilesystemServerTest {
    @TempDir
    Path temp;
    private Path allowed;
    private Path outside;
    private GatewayProcess gateway;
    private TestClient client;

    @BeforeAll
    static void peersInstalled() {
        Peers.requireInstalled(Peers.FILESYSTEM);
    }

    @BeforeEach
    void directories() throws Exception {
        // Real paths: the server resolves symlinks and reports canonical directories.
        allowed = Files.createDirectories(temp.resolve("allowed")).toRealPath();
        outside = Files.createDirectories(temp.resolve("outside")).toRealPath();
        Files.writeString(outside.resolve("secret.txt"), "not for you");
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** Starts the gateway (verbose, so upstream stderr is in its log) with server-filesystem on {@code allowed}. */
    private void launch() {
        launch("");
    }

    private void launch(String upstreamExtras) {
        gateway = GatewayProcess.start(temp, """
                proxy:
                  transport: stdio
                  upstreams:
                    - name: fs
                      command: %s
                      %s
                """.formatted(Processes.yamlList(Peers.filesystem(allowed)), upstreamExtras), "--verbose");
        client = gateway.client;
    }

    /** {@link #launch()}, then initialize declaring {@code clientCapabilities}. */
    private void start(ObjectNode clientCapabilities) {
        launch();
        initialize(clientCapabilities);
    }

    private void initialize(ObjectNode clientCapabilities) {
        JsonNode init = client.initialize(clientCapabilities);
        assertThat(init.path("result").path("capabilities").has("tools")).as("initialize: %s%n%s", init, stderr()).isTrue();
    }

    private String stderr() {
        return "--- gateway stderr ---\n" + gateway.stderrText();
    }

    private JsonNode callTool(String tool, Object... arguments) {
        JsonNode response = client.call("tools/call", toolCall(tool, arguments));
        assertThat(response.has("result")).as("%s: %s%n%s", tool, response, stderr()).isTrue();
        return response.path("result");
    }

    private static String text(JsonNode result) {
        StringBuilder text = new StringBuilder();
        result.path("content").forEach(c -> text.append(c.path("text").asString("")));
        return text.toString();
    }

    private String allowedDirectories() {
        return text(callTool("fs__list_allowed_directories"));
    }

    @Test
    void toolsList_throughGateway_exposesTheFilesystemToolsNamespaced() {
        start(null);
        JsonNode tools = client.call("tools/list", null).path("result").path("tools");
        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.path("name").asString()));
        assertThat(names).allMatch(n -> n.startsWith("fs__"))
                .contains("fs__read_text_file", "fs__write_file", "fs__edit_file", "fs__list_directory",
                        "fs__create_directory", "fs__move_file", "fs__search_files", "fs__list_allowed_directories");
        assertThat(tools).allMatch(t -> t.path("inputSchema").path("type").asString().equals("object"));
    }

    @Test
    void writeThenRead_insideAllowedDirectory_roundTripsThroughRealFiles() throws Exception {
        start(null);
        Path note = allowed.resolve("note.txt");
        JsonNode written = callTool("fs__write_file", "path", note.toString(), "content", "written through gatekit\n");
        assertThat(written.path("isError").asBoolean(false)).as("%s", written).isFalse();
        assertThat(Files.readString(note)).isEqualTo("written through gatekit\n");

        Files.writeString(allowed.resolve("from-disk.txt"), "written by the test");
        assertThat(text(callTool("fs__read_text_file", "path", allowed.resolve("from-disk.txt").toString())))
                .isEqualTo("written by the test");
        assertThat(text(callTool("fs__list_directory", "path", allowed.toString())))
                .contains("[FILE] note.txt").contains("[FILE] from-disk.txt");
    }

    @Test
    void callOutsideAllowedDirectory_returnsTheServersAccessDeniedErrorUnchanged() {
        start(null);
        JsonNode read = callTool("fs__read_text_file", "path", outside.resolve("secret.txt").toString());
        assertThat(read.path("isError").asBoolean(false)).as("%s", read).isTrue();
        assertThat(text(read)).startsWith("Access denied - path outside allowed directories")
                .contains(outside.resolve("secret.txt").toString()).doesNotContain("not for you");

        Path escape = allowed.resolve("..").resolve("outside").resolve("planted.txt");
        JsonNode write = callTool("fs__write_file", "path", escape.toString(), "content", "x");
        assertThat(write.path("isError").asBoolean(false)).as("%s", write).isTrue();
        assertThat(text(write)).contains("Access denied");
        assertThat(outside.resolve("planted.txt")).doesNotExist();

        // An unknown tool is the upstream's error too, and the session goes on.
        JsonNode unknown = callTool("fs__no_such_tool");
        assertThat(unknown.path("isError").asBoolean(false)).isTrue();
        assertThat(text(unknown)).contains("no_such_tool").contains("not found");
        assertThat(allowedDirectories()).contains(allowed.toString());
    }

    @Test
    void roots_clientWithoutRootsCapability_serverGetsEmptyRootsFromGateway_andKeepsItsDirectories() throws Exception {
        start(null);
        assertThat(allowedDirectories()).isEqualTo("Allowed directories:\n" + allowed);
        // server-filesystem asked for roots right after the gateway's initialized; with no client able to answer,
        // the gateway answered an empty list itself (the server logs that), and never bothered this client.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(gateway.stderrText()).contains("[fs stderr] No valid root directories provided by client"));
        assertThat(client.serverRequests).isEmpty();
        // Nothing was left unanswered: the server exits on stdin EOF by itself (no SIGTERM needed).
        List<ProcessHandle> upstreams = gateway.descendants();
        assertThat(gateway.closeAndWait(15)).isZero();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> upstreams.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(gateway.stderrText()).doesNotContain("SIGTERM").doesNotContain("SIGKILL");
    }

    @Test
    void roots_clientDeclaringRoots_isAskedThroughGateway_andItsRootsBecomeTheServersDirectories() throws Exception {
        Path narrow = Files.createDirectories(allowed.resolve("narrow")).toRealPath();
        Path other = Files.createDirectories(allowed.resolve("other")).toRealPath();
        AtomicReference<Path> root = new AtomicReference<>(narrow);
        ObjectNode caps = TestClient.object();
        caps.putObject("roots").put("listChanged", true);
        launch();
        client.onServerRequest(request -> {
            if (!"roots/list".equals(request.path("method").asString())) {
                return null;
            }
            ObjectNode result = TestClient.object();
            result.putArray("roots").addObject().put("uri", root.get().toUri().toString()).put("name", "test-root");
            return result;
        });
        initialize(caps);

        // The server's roots/list reached this client (under a gateway id) and the answer went back upstream:
        // the server now allows exactly the client's root.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(allowedDirectories()).isEqualTo("Allowed directories:\n" + narrow));
        assertThat(client.serverRequests).isNotEmpty()
                .allMatch(r -> r.path("method").asString().equals("roots/list"));
        assertThat(gateway.stderrText()).contains("[fs stderr] Updated allowed directories from MCP roots: 1 valid directories");
        assertThat(callTool("fs__write_file", "path", narrow.resolve("in.txt").toString(), "content", "ok")
                .path("isError").asBoolean(false)).isFalse();
        assertThat(callTool("fs__write_file", "path", allowed.resolve("no.txt").toString(), "content", "no")
                .path("isError").asBoolean(false)).isTrue();
        assertThat(allowed.resolve("no.txt")).doesNotExist();

        // The client changes its roots and says so: the gateway relays the notification, the server asks again.
        int asked = client.serverRequests.size();
        root.set(other);
        client.notify("notifications/roots/list_changed", null);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(allowedDirectories()).isEqualTo("Allowed directories:\n" + other));
        assertThat(client.serverRequests.size()).isGreaterThan(asked);
    }

    @Test
    void roots_forwardRootsFalse_clientRootsCannotWidenTheServersDirectories() throws Exception {
        ObjectNode caps = TestClient.object();
        caps.putObject("roots").put("listChanged", true);
        launch("forward_roots: false");
        client.onServerRequest(request -> {
            ObjectNode result = TestClient.object();
            result.putArray("roots").addObject().put("uri", "file:///").put("name", "everything");
            return result;
        });
        initialize(caps);
        client.notify("notifications/roots/list_changed", null);
        assertThat(allowedDirectories()).isEqualTo("Allowed directories:\n" + allowed);
        assertThat(client.serverRequests).isEmpty();
        assertThat(callTool("fs__read_text_file", "path", outside.resolve("secret.txt").toString())
                .path("isError").asBoolean(false)).isTrue();
    }
}
