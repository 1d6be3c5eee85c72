package io.gatekit;

import static io.gatekit.testing.TestClient.await;
import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.Processes;
import io.gatekit.testing.TestClient;
import io.gatekit.upstream.Upstream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bounded stdio fleet (ADR 0023) through the real gateway and real demo server processes: least-loaded dispatch
 * across replicas; per-client and auto session modes, with two clients whose per-session state (a note the server
 * keeps, roots, log messages) must not leak; the process caps; reaping with the whole process tree.
 */
@Timeout(180)
class FleetTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void replicas_idleCallsSpreadAndABusyReplicaIsPassedOver() {
        try (GatewayFixture fixture = GatewayFixture.demo("", "replicas: 2")) {
            TestClient client = fixture.connect();
            client.initialize(null);
            Upstream demo = fixture.upstream("demo");
            Awaitility.await().atMost(WAIT).until(() -> demo.pids().size() == 2);

            Set<Long> idle = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                idle.add(stats(client).path("pid").asLong());
            }
            assertThat(idle).containsExactlyInAnyOrderElementsOf(demo.pids());

            CompletableFuture<JsonNode> busy = client.request("tools/call", toolCall("demo__sleep", "ms", 3000));
            Awaitility.await().atMost(WAIT).until(() -> demo.inFlightCount() == 1);
            List<JsonNode> meanwhile = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                meanwhile.add(stats(client));
            }
            // Every call went to the replica without the sleeping call, which therefore ran nothing else.
            assertThat(meanwhile.stream().map(s -> s.path("pid").asLong()).collect(Collectors.toSet())).hasSize(1);
            assertThat(meanwhile).allSatisfy(s -> assertThat(s.path("running").asInt()).isZero());
            assertThat(text(await(busy, WAIT))).isEqualTo("slept 3000 ms");
        }
    }

    @Test
    void perClient_eachClientHasItsOwnProcess_andNoStateLeaks() {
        try (GatewayFixture fixture = GatewayFixture.demo("", "session_mode: per_client")) {
            TestClient alice = client(fixture, "file:///alice");
            TestClient bob = client(fixture, "file:///bob");
            fixture.awaitReady("demo");
            Upstream demo = fixture.upstream("demo");

            List<Long> sessions = assertNoteStaysWithAlice(alice, bob, demo.pid().orElseThrow());
            long alicePid = sessions.get(0);
            long bobPid = sessions.get(1);
            assertThat(demo.sessionCount()).isEqualTo(2);
            assertThat(demo.pids()).hasSize(3);

            assertRootsAndLogsStayWithTheirClient(alice, bob);

            // Bob leaves: his session stops; Alice's stays.
            bob.close();
            Awaitility.await().atMost(WAIT).until(() -> ProcessHandle.of(bobPid).map(p -> !p.isAlive()).orElse(true)
                    && demo.sessionCount() == 1);
            assertThat(stats(alice).path("pid").asLong()).isEqualTo(alicePid);
        }
    }

    @Test
    void auto_sharesUntilTheUpstreamAsksAClient_thenGivesEachClientItsOwnSession() {
        try (GatewayFixture fixture = GatewayFixture.demo("", "session_mode: auto")) {
            TestClient alice = client(fixture, "file:///alice");
            TestClient bob = client(fixture, "file:///bob");
            fixture.awaitReady("demo");
            Upstream demo = fixture.upstream("demo");
            long shared = demo.pid().orElseThrow();

            assertThat(stats(alice).path("pid").asLong()).isEqualTo(shared);
            assertThat(stats(bob).path("pid").asLong()).isEqualTo(shared);
            assertThat(demo.leasesClientSessions()).isFalse();

            // A server-to-client request shows the upstream keeps state about its client (ADR 0003 still names Alice).
            assertThat(call(alice, "roots")).isEqualTo("file:///alice");
            assertThat(demo.leasesClientSessions()).isTrue();

            assertNoteStaysWithAlice(alice, bob, shared);
            assertRootsAndLogsStayWithTheirClient(alice, bob);
        }
    }

    @Test
    void overTheUpstreamsCap_aNewClientIsRefusedClearly_untilASessionEnds() {
        try (GatewayFixture fixture = GatewayFixture.demo("", "session_mode: per_client\nmax_processes: 2")) {
            TestClient alice = secondClientRefused(fixture, "max_processes (2)");

            alice.close();
            Awaitility.await().atMost(WAIT).until(() -> fixture.upstream("demo").sessionCount() == 0);
            assertThat(call(fixture.connect(), "echo", "message", "now")).isEqualTo("now");
        }
    }

    @Test
    void overTheGatewaysCap_aNewClientIsRefusedClearly() {
        try (GatewayFixture fixture = GatewayFixture.demo("limits:\n  max_upstream_processes: 2", "session_mode: per_client")) {
            secondClientRefused(fixture, "max_upstream_processes (2)");
        }
    }

    /** A first client takes the last process the caps allow; a second is refused with -32004. Returns the first. */
    private static TestClient secondClientRefused(GatewayFixture fixture, String cap) {
        TestClient alice = client(fixture, "file:///alice");
        TestClient bob = client(fixture, "file:///bob");
        fixture.awaitReady("demo");
        assertThat(call(alice, "echo", "message", "hi")).isEqualTo("hi");
        JsonNode refused = bob.call("tools/call", toolCall("demo__echo", "message", "hi"));
        assertThat(refused.path("error").path("code").asInt()).isEqualTo(-32004);
        assertThat(refused.path("error").path("data").path("reason").asString()).isEqualTo("process_limit");
        assertThat(refused.path("error").path("message").asString()).contains(cap);
        return alice;
    }

    @Test
    void anIdleSession_isReapedWithEverythingItSpawned_andTheNextCallLeasesAFreshOne() {
        // The server starts a child of its own, as npx-style wrappers do.
        List<String> command = new java.util.ArrayList<>(List.of("/bin/sh", "-c", "sleep 300 & exec \"$0\" \"$@\""));
        command.addAll(Processes.gatekit("demo-server"));
        try (GatewayFixture fixture = GatewayFixture.start("proxy: {transport: stdio, upstreams: [{name: demo, command: %s,"
                .formatted(Processes.yamlList(command)) + " session_mode: per_client, session_idle_timeout: 0.5}]}")) {
            TestClient alice = client(fixture, "file:///alice");
            fixture.awaitReady("demo");
            Upstream upstream = fixture.upstream("demo");
            ProcessHandle sharedProcess = ProcessHandle.of(upstream.pid().orElseThrow()).orElseThrow();
            List<ProcessHandle> sharedChildren = sharedProcess.children().toList();

            long sessionPid = stats(alice).path("pid").asLong();
            ProcessHandle session = ProcessHandle.of(sessionPid).orElseThrow();
            List<ProcessHandle> children = session.children().toList();
            assertThat(children).as("the session's own child").isNotEmpty();

            Awaitility.await().atMost(WAIT).until(() -> upstream.sessionCount() == 0 && !session.isAlive()
                    && children.stream().noneMatch(ProcessHandle::isAlive));
            assertThat(stats(alice).path("pid").asLong()).isNotEqualTo(sessionPid);

            fixture.close();
            assertThat(sharedChildren).isNotEmpty();
            Awaitility.await().atMost(WAIT).until(() -> !sharedProcess.isAlive()
                    && sharedChildren.stream().noneMatch(ProcessHandle::isAlive));
        }
    }

    /**
     * A note Alice leaves in the server is hers alone: Bob's process has none; each runs in a process of its own,
     * neither the shared one. Returns their pids, Alice's first.
     */
    private static List<Long> assertNoteStaysWithAlice(TestClient alice, TestClient bob, long shared) {
        assertThat(call(alice, "remember", "note", "alice's secret")).isEqualTo("remembered");
        assertThat(call(bob, "recall")).isEqualTo("(none)");
        assertThat(call(alice, "recall")).isEqualTo("alice's secret");
        List<Long> pids = List.of(stats(alice).path("pid").asLong(), stats(bob).path("pid").asLong());
        assertThat(pids).doesNotHaveDuplicates().doesNotContain(shared);
        return pids;
    }

    /**
     * Both clients ask for their roots at once (the upstream's requests carry no link to their cause: only separate
     * sessions can tell them apart) and log at the same time; each hears only its own.
     */
    private static void assertRootsAndLogsStayWithTheirClient(TestClient alice, TestClient bob) {
        CompletableFuture<JsonNode> aliceRoots = alice.request("tools/call", toolCall("demo__roots"));
        CompletableFuture<JsonNode> bobRoots = bob.request("tools/call", toolCall("demo__roots"));
        assertThat(text(await(aliceRoots, WAIT))).isEqualTo("file:///alice");
        assertThat(text(await(bobRoots, WAIT))).isEqualTo("file:///bob");

        for (TestClient client : List.of(alice, bob)) {
            client.call("logging/setLevel", NODES.objectNode().put("level", "debug"));
        }
        assertThat(call(alice, "log", "level", "warning", "text", "alice-log")).isEqualTo("logged");
        assertThat(call(bob, "log", "level", "warning", "text", "bob-log")).isEqualTo("logged");
        Awaitility.await().atMost(WAIT).until(() -> logs(alice).contains("alice-log") && logs(bob).contains("bob-log"));
        // Alice's message was handled before her call's answer, so before Bob's own: had it reached him, it would be here.
        assertThat(logs(alice)).doesNotContain("bob-log");
        assertThat(logs(bob)).doesNotContain("alice-log");
    }

    private static List<String> logs(TestClient client) {
        return client.notifications.stream().filter(n -> "notifications/message".equals(n.path("method").asString()))
                .map(n -> n.path("params").path("data").asString()).toList();
    }

    /** A client that declares roots and answers roots/list with {@code root}. */
    private static TestClient client(GatewayFixture fixture, String root) {
        TestClient client = fixture.connect();
        client.onServerRequest(request -> {
            ObjectNode result = NODES.objectNode();
            result.putArray("roots").addObject().put("uri", root);
            return result;
        });
        ObjectNode capabilities = NODES.objectNode();
        capabilities.putObject("roots").put("listChanged", true);
        client.initialize(capabilities);
        return client;
    }

    private static String call(TestClient client, String tool, Object... arguments) {
        return text(client.call("tools/call", toolCall("demo__" + tool, arguments)));
    }

    private static JsonNode stats(TestClient client) {
        return TestClient.JSON.readTree(call(client, "stats"));
    }
}
