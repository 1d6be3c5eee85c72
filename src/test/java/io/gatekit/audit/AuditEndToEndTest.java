package io.gatekit.audit;

import static io.gatekit.audit.AuditFixtures.lines;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.plugins.PluginRegistry;
import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The built-in auditors in a real gateway with the demo upstream, configured in YAML as users write it. */
class AuditEndToEndTest {
    @TempDir
    Path directory;

    @Test
    void concurrentCallsFromTwoClientsGiveOneRequestAndOneResponseRecordEach() {
        Path audit = directory.resolve("logs/audit.jsonl");
        Path human = directory.resolve("logs/audit.log");
        String yaml = withAuditors("""
                - handler: audit_jsonl
                  config: {output_file: "%s", include_response_body: true}
                - handler: audit_human_readable
                  config: {output_file: "%s"}
                """.formatted(audit, human));
        int perClient = 25;
        try (GatewayFixture fixture = GatewayFixture.start(yaml, PluginRegistry.builtIn())) {
            List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
            for (String name : new String[] {"a", "b"}) {
                TestClient client = fixture.connect();
                client.initialize(null);
                for (int i = 0; i < perClient; i++) {
                    calls.add(client.request(AuditFixtures.NODES.stringNode(name + "-" + i), "tools/call",
                            TestClient.toolCall("demo__echo", "message", name + i)));
                }
            }
            for (CompletableFuture<JsonNode> call : calls) {
                assertThat(TestClient.text(TestClient.await(call, Duration.ofSeconds(30)))).isNotEmpty();
            }
            // Written and flushed batch by batch while the gateway runs, not only at shutdown.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> toolCalls(audit).size() == 4 * perClient);
        }

        Map<String, List<JsonNode>> byId = toolCalls(audit).stream()
                .collect(Collectors.groupingBy(record -> record.path("request_id").asString()));
        assertThat(byId).hasSize(2 * perClient);
        byId.forEach((id, records) -> {
            assertThat(records).extracting(record -> record.path("event_type").asString()).as(id)
                    .containsExactly("REQUEST", "RESPONSE");
            for (JsonNode record : records) {
                assertThat(record.path("server_name").asString()).isEqualTo("demo");
                assertThat(record.path("tool").asString()).as("the upstream's own name").isEqualTo("echo");
                assertThat(record.path("pipeline_outcome").asString()).isEqualTo("no_security");
            }
            JsonNode response = records.get(1);
            assertThat(response.path("response_status").asString()).isEqualTo("success");
            assertThat(response.path("duration_ms").asDouble()).isPositive();
            String message = id.replace("-", "");
            assertThat(response.path("response_body").path("content").path(0).path("text").asString()).isEqualTo(message);
        });
        assertThat(lines(human)).filteredOn(line -> line.contains(" - REQUEST: tools/call - echo - demo - NO_SECURITY"))
                .hasSize(2 * perClient);
        assertThat(lines(human)).filteredOn(line -> line.contains(" - RESPONSE: tools/call - echo - demo - success ("))
                .hasSize(2 * perClient);
        assertThat(lines(human)).anyMatch(line -> line.contains(" - REQUEST: initialize - gateway - NO_SECURITY"));
    }

    /** A gateway with the demo upstream and these entries under {@code plugins.auditing._global}. */
    private static String withAuditors(String entries) {
        return """
                proxy:
                  transport: stdio
                  upstreams:
                    - name: demo
                      command: %DEMO%
                plugins:
                  auditing:
                    _global:
                """ + entries.indent(6);
    }

    private static List<JsonNode> toolCalls(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        return lines(file).stream().map(AuditFixtures::json)
                .filter(record -> record.path("method").asString().equals("tools/call")).toList();
    }

    @Test
    void unknownOptionsAndABadMaxBodySizeAreConfigProblems() {
        PluginRegistry registry = PluginRegistry.builtIn();
        String yaml = withAuditors("""
                - handler: audit_jsonl
                  config: {output_fil: x.jsonl, max_body_size: 10}
                """);
        Throwable problem = org.assertj.core.api.Assertions.catchThrowable(() -> GatewayFixture.config(yaml, registry));
        assertThat(problem).hasMessageContaining("unknown option 'output_fil'").hasMessageContaining("output_file")
                .hasMessageContaining("max_body_size");
    }
}
