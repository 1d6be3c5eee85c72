package io.gatekit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.Peers;
import io.gatekit.testing.ProcessTree;
import io.gatekit.faces.http.HttpFaceFixture;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The TypeScript SDK v2 client ({@code @modelcontextprotocol/client} 2.4.0), negotiating the 2026-07-28 era by
 * itself, opens a {@code subscriptions/listen} stream through the gateway's HTTP face with its own {@code listen()}
 * API: it must accept the acknowledgement, hear the list change and the resource update it asked for on its
 * handlers, and closing the subscription must release the upstream subscription.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpTypeScriptSdkListenTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path PEERS = Path.of(System.getProperty("user.dir"), "interop", "peers");

    @TempDir
    Path dir;

    @Test
    void typeScriptSdkV2_listen_isAcknowledged_hearsWhatItAskedFor_andUnsubscribesOnClose() throws Exception {
        Peers.requireInstalled("@modelcontextprotocol/client");
        String script = """
                import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
                setTimeout(() => { console.error('hard deadline'); process.exit(3); }, 50_000).unref();
                const client = new Client({ name: 'v2-listen', version: '0' }, { versionNegotiation: { mode: 'auto' } });
                const errors = [];
                client.onerror = (e) => errors.push(String(e));
                await client.connect(new StreamableHTTPClientTransport(new URL(process.argv[1])));
                const seen = [];
                client.setNotificationHandler('notifications/tools/list_changed', (n) => { seen.push(n); });
                client.setNotificationHandler('notifications/resources/updated', (n) => { seen.push(n); });
                const subscription = await client.listen({ toolsListChanged: true, resourceSubscriptions: ['demo__demo://readme'] });
                const touched = await client.callTool({ name: 'demo__touch', arguments: { uri: 'demo://readme' } });
                await client.callTool({ name: 'demo__change_tools', arguments: {} });
                const until = Date.now() + 10_000;
                while (seen.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
                await subscription.close();
                const cause = await subscription.closed;
                console.log(JSON.stringify({ version: client.getNegotiatedProtocolVersion?.() ?? null,
                    honored: subscription.honoredFilter, touched: touched.content?.[0]?.text, seen, cause, errors }));
                await client.close();
                """;
        try (HttpFaceFixture gateway = HttpFaceFixture.demo("sse_keep_alive: 0.3", "")) {
            JsonNode answer = JSON.readTree(run(script, gateway));
            assertThat(answer.path("version").asString()).isEqualTo("2026-07-28");
            assertThat(answer.path("honored")).isEqualTo(JSON.readTree("""
                    {"toolsListChanged":true,"resourceSubscriptions":["demo__demo://readme"]}"""));
            assertThat(answer.path("touched").asString()).isEqualTo("notified");
            List<String> methods = answer.path("seen").valueStream().map(n -> n.path("method").asString()).toList();
            assertThat(methods).containsExactlyInAnyOrder("notifications/resources/updated", "notifications/tools/list_changed");
            // Tagged with the id the SDK gave its listen request ("listen:<n>").
            assertThat(answer.path("seen").valueStream().map(n -> n.path("params").path("_meta")
                    .path("io.modelcontextprotocol/subscriptionId").asString()).toList()).allMatch(id -> id.startsWith("listen:"));
            JsonNode updated = answer.path("seen").valueStream()
                    .filter(n -> n.path("method").asString().equals("notifications/resources/updated")).findFirst().orElseThrow();
            assertThat(updated.path("params").path("uri").asString()).isEqualTo("demo__demo://readme");
            assertThat(answer.path("cause").asString()).isEqualTo("local");
            assertThat(answer.path("errors").isEmpty()).as("client errors: %s", answer.path("errors")).isTrue();
            // The client closed its stream: the gateway unsubscribed the demo upstream.
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(subscriptions(gateway)).doesNotContain("demo://readme"));
        }
    }

    /** Runs the script with Node in interop/peers; its last JSON line, after checking it exited 0 in time. */
    private String run(String script, HttpFaceFixture gateway) throws Exception {
        Path out = dir.resolve("ts-listen.out");
        Path err = dir.resolve("ts-listen.err");
        ProcessBuilder builder = new ProcessBuilder(Peers.node(), "--input-type=module", "-e", script, gateway.uri().toString())
                .directory(PEERS.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("HOME", Files.createDirectory(dir.resolve("home")).toString());
        Process process = builder.start();
        try (ProcessTree tree = ProcessTree.watch(process.toHandle())) {
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            String context = Files.readString(out) + "\nstderr:\n" + Files.readString(err);
            assertThat(ended).as("client ended: %s", context).isTrue();
            assertThat(process.exitValue()).as("exit code: %s", context).isZero();
            return Files.readString(out).lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no JSON from the client: " + context));
        }
    }

    /** The URIs the demo upstream is subscribed to now, from its stats tool (a stateless call). */
    private static List<String> subscriptions(HttpFaceFixture gateway) throws Exception {
        HttpResponse<String> stats = gateway.send(gateway.modernPost("""
                {"jsonrpc":"2.0","id":"stats","method":"tools/call","params":{"name":"demo__stats","arguments":{},
                 "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}""")
                .build());
        String text = JSON.readTree(stats.body()).path("result").path("content").path(0).path("text").asString();
        return JSON.readTree(text).path("subscriptions").valueStream().map(JsonNode::asString).toList();
    }
}
