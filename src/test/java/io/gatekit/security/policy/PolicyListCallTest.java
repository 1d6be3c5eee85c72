package io.gatekit.security.policy;

import static io.gatekit.testing.TestClient.names;
import static io.gatekit.testing.TestClient.object;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.session.Principal;
import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The access policy's promise, through a real gateway and two real demo upstreams: for random policies (hot
 * reloaded one after another) and several callers, what a caller lists is exactly what it can call, read or get,
 * page after page; and a denied name gets the error of a name that does not exist.
 */
@Timeout(300)
class PolicyListCallTest {
    private static final String UPSTREAMS = """
            proxy:
              transport: stdio
              limits: {list_page_size: 3}
              upstreams:
                - name: alpha
                  command: %DEMO%
                  env: {DEMO_EXTRA_TOOL_NAMES: '["write_a"]'}
                - name: beta
                  command: %DEMO%
                  env: {DEMO_EXTRA_TOOL_NAMES: '["write_b"]'}
            plugins:
              middleware:
                # Only tools that are safe to call at random (no crash, no waiting for the client).
                alpha:
                  - handler: tool_manager
                    config: {tools: [{tool: echo}, {tool: add}, {tool: stats}, {tool: write_a}]}
                beta:
                  - handler: tool_manager
                    config: {tools: [{tool: echo}, {tool: stats}, {tool: write_b}]}
            """;
    private static final Map<String, Principal> CALLERS = new LinkedHashMap<>();

    static {
        CALLERS.put("anonymous", Principal.ANONYMOUS);
        CALLERS.put("alice", new Principal("alice", Map.of("groups", List.of("dev"))));
        CALLERS.put("bob", new Principal("bob", Map.of("groups", "ops", "scope", "mcp:read")));
        CALLERS.put("carol", new Principal("carol", Map.of("scp", List.of("mcp:read", "mcp:write"))));
    }

    private static final List<String> WHO = List.of("subjects: [alice]", "subjects: [c*]", "groups: [dev]",
            "groups: [ops, dev]", "scopes: [mcp:read]", "scopes: [mcp:write]", "");
    private static final List<String> WHAT = List.of("upstreams: [alpha]", "upstreams: ['*']", "upstreams: [beta]",
            "tools: ['alpha__*']", "tools: ['*__echo', '*stats']", "tools: ['*write*']", "tools: [beta__write_b]",
            "prompts: ['*']", "prompts: [beta__greeting]", "resources: ['alpha__*']", "resources: ['*readme']");

    @Test
    void whatEachCallerListsIsExactlyWhatItCanUse() {
        try (GatewayFixture fixture = GatewayFixture.start(UPSTREAMS)) {
            fixture.awaitReady("alpha");
            fixture.awaitReady("beta");
            TestClient admin = fixture.connect();
            admin.initialize(object());
            Universe everything = Universe.listedTo(admin);
            assertThat(everything.tools()).contains("alpha__echo", "beta__write_b").hasSize(7);
            assertThat(everything.prompts()).containsExactly("alpha__greeting", "beta__greeting");
            assertThat(everything.resources()).containsExactly("alpha__demo://readme", "beta__demo://readme");

            Map<String, TestClient> clients = new LinkedHashMap<>();
            CALLERS.forEach((name, principal) -> {
                TestClient client = fixture.connect(principal);
                client.initialize(object());
                clients.put(name, client);
            });
            Random random = new Random(20261203L);
            int partlyHidden = 0;
            for (int round = 0; round < 25; round++) {
                String policy = randomPolicy(random);
                fixture.gateway.reload(GatewayFixture.config(UPSTREAMS + policy));
                for (Map.Entry<String, TestClient> caller : clients.entrySet()) {
                    String context = "round " + round + ", " + caller.getKey() + ", policy:\n" + policy;
                    Universe listed = Universe.listedTo(caller.getValue());
                    if (!listed.tools().isEmpty() && listed.tools().size() < everything.tools().size()) {
                        partlyHidden++;
                    }
                    assertThat(usable(caller.getValue(), everything.tools(), PolicyListCallTest::callTool))
                            .as(context).containsExactlyElementsOf(listed.tools());
                    assertThat(usable(caller.getValue(), everything.prompts(), PolicyListCallTest::getPrompt))
                            .as(context).containsExactlyElementsOf(listed.prompts());
                    assertThat(usable(caller.getValue(), everything.resources(), PolicyListCallTest::readResource))
                            .as(context).containsExactlyElementsOf(listed.resources());
                }
            }
            assertThat(partlyHidden).as("policies that hide some tools and show others").isGreaterThan(10);
        }
    }

    @Test
    void aDeniedNameAndAMissingOneGetTheSameError() {
        try (GatewayFixture fixture = GatewayFixture.start(UPSTREAMS + """
                policy:
                  default: deny
                  rules:
                    - {name: devs, effect: allow, groups: [dev], tools: ['alpha__*']}
                """)) {
            fixture.awaitReady("alpha");
            TestClient alice = fixture.connect(CALLERS.get("alice"));
            alice.initialize(object());
            JsonNode hidden = alice.call("tools/call", toolCall("beta__echo", "message", "hi"));
            JsonNode missingUpstream = alice.call("tools/call", toolCall("gamma__echo", "message", "hi"));
            assertThat(hidden.path("error").path("code").asInt()).isEqualTo(-32602);
            assertThat(hidden.path("error").path("message").asString()).isEqualTo("Unknown tool: beta__echo");
            assertThat(missingUpstream.path("error").path("message").asString()).isEqualTo("Unknown tool: gamma__echo");
            assertThat(hidden.path("error").has("data")).isFalse();
            assertThat(alice.call("tools/call", toolCall("alpha__echo", "message", "hi")).path("result")
                    .path("content").path(0).path("text").asString()).isEqualTo("hi");
        }
    }

    @Test
    void auditRecordsCarryTheCallerAndTheDecision(@TempDir Path dir) throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        GatewayFixture fixture = GatewayFixture.start("""
                proxy:
                  transport: stdio
                  upstreams:
                    - {name: alpha, command: %%DEMO%%}
                plugins:
                  auditing:
                    _global:
                      - {handler: audit_jsonl, config: {output_file: "%s"}}
                policy:
                  default: deny
                  rules:
                    - {name: readers, effect: allow, groups: [dev], tools: ['alpha__*'], read_only_tools: true}
                """.formatted(audit));
        try (fixture) {
            fixture.awaitReady("alpha");
            TestClient alice = fixture.connect(CALLERS.get("alice"));
            alice.initialize(object());
            assertThat(alice.call("tools/call", toolCall("alpha__echo", "message", "hi")).has("result")).isTrue();
            assertThat(alice.call("tools/call", toolCall("alpha__fail", "mode", "error")).path("error").path("message")
                    .asString()).isEqualTo("Unknown tool: alpha__fail");
        }
        // The request's own record and its answer's both carry the caller and the decision.
        List<JsonNode> calls = Files.readAllLines(audit).stream().map(line -> TestClient.JSON.readTree(line))
                .filter(record -> record.path("method").asString().equals("tools/call")).toList();
        assertThat(calls).extracting(r -> r.path("event_type").asString(), r -> r.path("tool").asString(),
                r -> r.path("principal").asString(), r -> r.path("access_decision").asString()).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("REQUEST", "echo", "alice", "allow (rule readers)"),
                        org.assertj.core.groups.Tuple.tuple("RESPONSE", "echo", "alice", "allow (rule readers)"),
                        org.assertj.core.groups.Tuple.tuple("REQUEST", "fail", "alice", "deny (default)"),
                        org.assertj.core.groups.Tuple.tuple("INVALID_PARAMS_ERROR", "fail", "alice", "deny (default)"));
    }

    private static String randomPolicy(Random random) {
        StringBuilder yaml = new StringBuilder("policy:\n  default: ")
                .append(random.nextBoolean() ? "allow" : "deny").append("\n  rules:\n");
        int rules = random.nextInt(6);
        if (rules == 0) {
            yaml.setLength(yaml.length() - "  rules:\n".length());
        }
        for (int i = 0; i < rules; i++) {
            yaml.append("    - {effect: ").append(random.nextBoolean() ? "allow" : "deny");
            String who = WHO.get(random.nextInt(WHO.size()));
            if (!who.isEmpty()) {
                yaml.append(", ").append(who);
            }
            Set<String> what = new LinkedHashSet<>();
            for (int n = 1 + random.nextInt(2); n > 0; n--) {
                what.add(WHAT.get(random.nextInt(WHAT.size())));
            }
            Set<String> keys = new LinkedHashSet<>();
            for (String selector : what) {
                if (keys.add(selector.substring(0, selector.indexOf(':')))) {
                    yaml.append(", ").append(selector);
                }
            }
            if (random.nextInt(3) == 0) {
                yaml.append(", read_only_tools: true");
            }
            yaml.append("}\n");
        }
        return yaml.toString();
    }

    /** What a caller can list, every page of each list. */
    private record Universe(List<String> tools, List<String> prompts, List<String> resources) {
        static Universe listedTo(TestClient client) {
            return new Universe(all(client, "tools/list", "tools", "name"), all(client, "prompts/list", "prompts", "name"),
                    all(client, "resources/list", "resources", "uri"));
        }

        private static List<String> all(TestClient client, String method, String key, String member) {
            List<String> items = new ArrayList<>();
            ObjectNode params = object();
            for (int page = 0; page < 100; page++) {
                JsonNode response = client.call(method, params);
                assertThat(response.has("error")).as("%s", response).isFalse();
                items.addAll(names(response.path("result").path(key), member));
                JsonNode next = response.path("result").path("nextCursor");
                if (!next.isString()) {
                    return items;
                }
                params = object().put("cursor", next.stringValue());
            }
            throw new AssertionError(method + " never ended");
        }
    }

    private interface Use {
        JsonNode use(TestClient client, String name);
    }

    /** The names {@code client} may use: every one whose use is not refused as unknown. */
    private static List<String> usable(TestClient client, List<String> names, Use use) {
        List<String> usable = new ArrayList<>();
        for (String name : names) {
            JsonNode response = use.use(client, name);
            JsonNode error = response.path("error");
            boolean refused = error.path("code").asInt() == -32602 && error.path("message").asString().startsWith("Unknown ");
            if (!refused) {
                assertThat(response.has("result")).as("%s: %s", name, response).isTrue();
                usable.add(name);
            }
        }
        return usable;
    }

    private static JsonNode callTool(TestClient client, String name) {
        return client.call("tools/call", toolCall(name, "message", "hi", "a", 1, "b", 2));
    }

    private static JsonNode getPrompt(TestClient client, String name) {
        return client.call("prompts/get", object().put("name", name));
    }

    private static JsonNode readResource(TestClient client, String uri) {
        return client.call("resources/read", object().put("uri", uri));
    }
}
