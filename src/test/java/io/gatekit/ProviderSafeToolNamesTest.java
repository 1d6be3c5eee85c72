package io.gatekit;

import static io.gatekit.testing.TestClient.await;
import static io.gatekit.testing.TestClient.names;
import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.gatekit.observability.StatusFile;
import io.gatekit.routing.ToolAlias;
import io.gatekit.routing.ToolNames;
import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.LogCapture;
import io.gatekit.testing.TestClient;
import io.gatekit.upstream.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Tool names model providers would refuse, through a real gateway and real demo upstreams (ADR 0015): the list
 * shows only provider-safe names and every tool, a call by alias reaches the upstream's exact name, errors name
 * the alias, and aliases resolve before any list, under concurrency and across an upstream restart.
 */
@Timeout(120)
class ProviderSafeToolNamesTest {
    private static final Pattern PROVIDER_RULE = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    /** Too long, spaces, a slash, a dot, NUL, non-ASCII, a repeat of a built-in, a repeat of its own, empty. */
    private static final List<String> EXTRA = List.of("my weird tool name", "a/b", "x.y", "nul\u0000here", "x".repeat(300),
            "\u65e5\u672c\u8a9e", "echo", "dup", "dup", "");
    /** 60 characters: every tool's qualified name is longer than 64, and no alias has room for all of it. */
    private static final String LONG = "long-" + "x".repeat(55);

    private static GatewayFixture gateway() {
        return GatewayFixture.start("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: files
                      command: %%DEMO%%
                      env: {DEMO_EXTRA_TOOL_NAMES: '%s'}
                    - name: %s
                      command: %%DEMO%%
                """.formatted(asciiJson(EXTRA), LONG));
    }

    /** The names as a JSON array in printable ASCII (the rest escaped), safe in a YAML single-quoted string and an env var. */
    private static String asciiJson(List<String> names) {
        StringBuilder json = new StringBuilder("[");
        for (String name : names) {
            json.append(json.length() > 1 ? "," : "").append('"');
            for (char c : name.toCharArray()) {
                json.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '\'' ? String.valueOf(c) : "\\u%04x".formatted((int) c));
            }
            json.append('"');
        }
        return json.append(']').toString();
    }

    /** What the list shows for each extra tool: the qualified name when providers take it, else the alias. */
    private static List<String> expectedExtraNames() {
        List<String> expected = new ArrayList<>();
        for (String name : EXTRA) {
            boolean firstDup = name.equals("dup") && !expected.contains("files__dup");
            expected.add(firstDup ? "files__dup" : ToolNames.alias("files", name));
        }
        return expected;
    }

    private static String expectedAnswer(String original, String message) {
        return original.equals("echo") ? message : original + ": " + message; // the repeat of echo reaches the built-in
    }

    private static List<String> listAll(TestClient client) {
        List<String> listed = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = client.call("tools/list", cursor == null ? TestClient.object() : TestClient.object().put("cursor", cursor))
                    .path("result");
            listed.addAll(names(page.path("tools"), "name"));
            cursor = page.path("nextCursor").asString(null);
        } while (cursor != null);
        return listed;
    }

    @Test
    void theListShowsOnlyProviderSafeNames_everyToolIsThere_andAliasesReachTheOriginals() throws Exception {
        try (LogCapture log = LogCapture.of("io.gatekit.routing.ToolAliases"); GatewayFixture fixture = gateway()) {
            TestClient client = fixture.connect();
            client.initialize(null);
            fixture.awaitReady("files");
            fixture.awaitReady(LONG);

            List<String> listed = listAll(client);
            assertThat(listed).allSatisfy(name -> assertThat(PROVIDER_RULE.matcher(name).matches()).as(name).isTrue())
                    .doesNotHaveDuplicates();
            List<String> fromLong = listed.stream().filter(n -> n.startsWith("long-")).toList();
            assertThat(fromLong).isNotEmpty().contains(ToolNames.alias(LONG, "echo"));
            assertThat(listed).as("every tool of both upstreams").hasSize(2 * fromLong.size() + EXTRA.size())
                    .contains("files__echo", "files__add").containsAll(expectedExtraNames());

            List<String> exposed = expectedExtraNames();
            for (int i = 0; i < EXTRA.size(); i++) {
                JsonNode answer = client.call("tools/call", toolCall(exposed.get(i), "message", "hi " + i));
                assertThat(text(answer)).as(exposed.get(i)).isEqualTo(expectedAnswer(EXTRA.get(i), "hi " + i));
            }
            assertThat(text(client.call("tools/call", toolCall(ToolNames.alias(LONG, "add"), "a", 2, "b", 3)))).isEqualTo("5");
            assertThat(text(client.call("tools/call", toolCall("files__echo", "message", "plain")))).isEqualTo("plain");

            // The upstream's error names its own tool; the client reads the name it called.
            String slash = ToolNames.alias("files", "a/b");
            JsonNode failed = client.call("tools/call", toolCall(slash, "fail", true));
            assertThat(failed.path("error").path("message").asString()).isEqualTo("Tool '" + slash + "' failed on purpose");
            JsonNode unknown = client.call("tools/call", toolCall("files__no_such_tool_abcdefgh"));
            assertThat(unknown.path("error").path("message").asString()).contains("files__no_such_tool_abcdefgh");

            // Listed again: the same names, and no second warning.
            assertThat(listAll(client)).isEqualTo(listed);
            List<String> warnings = log.messages(Level.WARN);
            assertThat(warnings).hasSize(EXTRA.size() - 1 + fromLong.size())
                    .anySatisfy(w -> assertThat(w).contains("'files'", "\"a/b\"", slash, "characters outside"))
                    .anySatisfy(w -> assertThat(w).contains("\"nul\\u0000here\""))
                    .anySatisfy(w -> assertThat(w).contains("\"dup\"", "collides"));

            assertThat(fixture.gateway.toolAliases()).extracting(ToolAlias::alias).contains(slash)
                    .hasSize(warnings.size());
            try (StatusFile status = new StatusFile(fixture.gateway, Duration.ofHours(1))) {
                JsonNode files = status.snapshot().path("upstreams").path(0);
                assertThat(files.path("name").asString()).isEqualTo("files");
                assertThat(files.path("toolAliases")).hasSize(EXTRA.size() - 1)
                        .anySatisfy(a -> assertThat(a.path("alias").asString()).isEqualTo(slash));
            }
        }
    }

    @Test
    void aliasesResolveBeforeAnyList_underConcurrentCalls_andAcrossAnUpstreamRestart() {
        try (GatewayFixture fixture = gateway()) {
            List<TestClient> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                TestClient client = fixture.connect();
                client.initialize(null);
                clients.add(client);
            }
            fixture.awaitReady("files");
            fixture.awaitReady(LONG);
            // No client has listed: each alias is resolved by listing its upstream's tools once, whoever asks first.
            List<String> exposed = expectedExtraNames();
            List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (int round = 0; round < 2; round++) { // 80 calls on files: under its max_in_flight of 100
                for (TestClient client : clients) {
                    for (int i = 0; i < EXTRA.size(); i++) {
                        calls.add(client.request("tools/call", toolCall(exposed.get(i), "message", "r" + round)));
                        expected.add(expectedAnswer(EXTRA.get(i), "r" + round));
                    }
                    calls.add(client.request("tools/call", toolCall(ToolNames.alias(LONG, "echo"), "message", "long")));
                    expected.add("long");
                }
            }
            List<String> answers = calls.stream().map(call -> text(await(call, Duration.ofSeconds(30)))).toList();
            assertThat(answers).isEqualTo(expected);

            long oldPid = fixture.upstream("files").pid().orElseThrow();
            ProcessHandle.of(oldPid).orElseThrow().destroyForcibly();
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(fixture.upstream("files").state()).isEqualTo(Upstream.State.READY);
                assertThat(fixture.upstream("files").pid()).isPresent().get().isNotEqualTo(oldPid);
            });
            String weird = ToolNames.alias("files", "my weird tool name");
            assertThat(text(clients.getFirst().call("tools/call", toolCall(weird, "message", "again"))))
                    .isEqualTo("my weird tool name: again");
        }
    }
}
