package io.gatekit.interop;

import static io.gatekit.testing.TestClient.await;
import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayProcess;
import io.gatekit.testing.Peers;
import io.gatekit.testing.TestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Client cancellation through the gateway to the official server-everything, at the wire level (the Java SDK
 * 2.1.0 client has no way to cancel, so a plain JSON-RPC client drives the gateway process): the cancelled call
 * gets no answer and no more progress, and the gateway goes on serving the same client and the same ids.
 * The TypeScript SDK's AbortSignal cancellation is covered by {@link TypeScriptSdkClientTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EverythingCancellationTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String LONG = "everything__trigger-long-running-operation";

    @TempDir
    Path dir;
    private GatewayProcess gateway;
    private TestClient client;

    @BeforeAll
    static void peersInstalled() {
        Peers.requireInstalled(Peers.EVERYTHING);
    }

    @BeforeEach
    void start() {
        gateway = GatewayProcess.start(dir, Peers.everythingGatewayConfig());
        client = gateway.client;
        JsonNode init = client.initialize(null);
        assertThat(init.path("result").path("serverInfo").path("name").asString()).as("%s%n%s", init, gateway.stderrText())
                .isEqualTo("gatekit");
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private static ObjectNode longRun(double seconds, int steps, String progressToken) {
        ObjectNode params = toolCall(LONG, "duration", seconds, "steps", steps);
        params.putObject("_meta").put("progressToken", progressToken);
        return params;
    }

    private List<JsonNode> progressFor(String token) {
        return client.notifications.stream()
                .filter(n -> n.path("method").asString().equals("notifications/progress"))
                .filter(n -> n.path("params").path("progressToken").asString().equals(token))
                .toList();
    }

    private void cancel(JsonNode requestId) {
        ObjectNode params = NODES.objectNode();
        params.set("requestId", requestId);
        params.put("reason", "interop test cancels");
        client.notify("notifications/cancelled", params);
    }

    @Test
    void cancel_runningUpstreamCall_getsNoAnswerNoMoreProgress_andGatewayKeepsServing() throws Exception {
        JsonNode id = NODES.stringNode("long-call");
        CompletableFuture<JsonNode> running = client.request(id, "tools/call", longRun(10, 20, "tok-cancel"));
        // Running upstream: server-everything reports a step every 0.5 s under the client's own token.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !progressFor("tok-cancel").isEmpty());
        assertThat(progressFor("tok-cancel")).as("progress before cancel; stderr:%n%s", gateway.stderrText()).isNotEmpty();

        cancel(id);
        // The same session answers at once, while the upstream may still be stepping through the cancelled call.
        assertThat(client.call("ping", null).has("result")).isTrue();
        assertThat(text(client.call("tools/call", toolCall("everything__echo", "message", "after cancel"))))
                .isEqualTo("Echo: after cancel");

        // The echo's answer came back through the same upstream pipe and reader thread as any progress of the
        // cancelled call, so what was already on its way has arrived by now.
        int progressAfterCancel = progressFor("tok-cancel").size();
        // A marker call of 1.6 s (three of the cancelled call's steps): any step or answer of the cancelled call
        // in that time leaves the upstream before the marker's answer, on the same pipe.
        assertThat(text(client.call("tools/call", longRun(1.6, 1, "tok-marker"))))
                .contains("Long running operation completed");
        assertThat(running).as("a cancelled request must not be answered").isNotDone();
        assertThat(client.unmatched).isEmpty();
        assertThat(progressFor("tok-cancel")).as("progress after cancel is dropped by the gateway")
                .hasSize(progressAfterCancel);

        // The id is free again: reuse it for a short call with the same token. TestClient still has the cancelled
        // request's future waiting under that id, so the answer to the re-issued request lands there; its text
        // (0.4 s, not 10 s) shows it is the new call's answer, and that the cancelled call never got one.
        client.notifications.clear();
        ObjectNode reissued = NODES.objectNode();
        reissued.put("jsonrpc", "2.0");
        reissued.set("id", id);
        reissued.put("method", "tools/call");
        reissued.set("params", longRun(0.4, 2, "tok-cancel"));
        client.send(reissued);
        JsonNode again = await(running, Duration.ofSeconds(15));
        assertThat(text(again)).isEqualTo("Long running operation completed. Duration: 0.4 seconds, Steps: 2.");
        assertThat(progressFor("tok-cancel")).extracting(n -> n.path("params").path("progress").asInt())
                .containsExactly(1, 2);
    }

    @Test
    void cancel_oneOfSeveralConcurrentCalls_othersCompleteWithTheirOwnProgress() throws Exception {
        CompletableFuture<JsonNode> first = client.request(NODES.numberNode(101), "tools/call", longRun(1.5, 3, "a"));
        CompletableFuture<JsonNode> doomed = client.request(NODES.numberNode(102), "tools/call", longRun(1.5, 3, "b"));
        CompletableFuture<JsonNode> third = client.request(NODES.numberNode(103), "tools/call", longRun(1.5, 3, "c"));
        // The calls are running upstream once the first reports a step (they went out in this order).
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !progressFor("a").isEmpty());
        cancel(NODES.numberNode(102));
        // Ordered after the cancel and after any progress of the doomed call already on its way (same pipe).
        assertThat(text(client.call("tools/call", toolCall("everything__echo", "message", "marker")))).isEqualTo("Echo: marker");
        int doomedProgress = progressFor("b").size();

        assertThat(text(await(first, Duration.ofSeconds(15)))).contains("Long running operation completed");
        assertThat(text(await(third, Duration.ofSeconds(15)))).contains("Long running operation completed");
        // Started after the others ended, it ends after the doomed call would have: its answer, had it been let
        // through, would come first on the same pipe.
        assertThat(text(client.call("tools/call", longRun(0.7, 1, "marker")))).contains("Long running operation completed");
        assertThat(doomed).isNotDone();
        assertThat(client.unmatched).isEmpty();
        assertThat(progressFor("a")).extracting(n -> n.path("params").path("progress").asInt()).containsExactly(1, 2, 3);
        assertThat(progressFor("c")).extracting(n -> n.path("params").path("progress").asInt()).containsExactly(1, 2, 3);
        assertThat(progressFor("b")).as("no progress of the doomed call after its cancel").hasSize(doomedProgress);
    }
}
