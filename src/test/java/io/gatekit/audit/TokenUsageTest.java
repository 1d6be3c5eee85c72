package io.gatekit.audit;

import static io.gatekit.audit.AuditFixtures.allowed;
import static io.gatekit.audit.AuditFixtures.call;
import static io.gatekit.audit.AuditFixtures.json;
import static io.gatekit.audit.AuditFixtures.lines;
import static io.gatekit.audit.AuditFixtures.notificationEvent;
import static io.gatekit.audit.AuditFixtures.requestEvent;
import static io.gatekit.audit.AuditFixtures.responseEvent;
import static io.gatekit.audit.AuditFixtures.success;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.plugins.AuditEvent;
import io.gatekit.plugins.AuditingPlugin;
import io.gatekit.plugins.PipelineRun;
import io.gatekit.plugins.Plugin;
import io.gatekit.plugins.SharedResources;
import io.gatekit.session.Principal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code token_usage}: the estimate, the CSV rows, and the running totals in the shared state file. */
class TokenUsageTest {
    private static final JsonRpcCodec CODEC = FileAuditorFactory.formatCodec();
    private static final String PID = Long.toString(ProcessHandle.current().pid());

    @TempDir
    Path directory;

    @Test
    void theEstimateIsTheLargerOfCharactersOverFourAndWordsTimesOneThirtyThree() {
        assertThat(TokenUsageFormat.estimate(bytes("abcdefghijklmnop"))).as("16 characters, 1 word").isEqualTo(4);
        assertThat(TokenUsageFormat.estimate(bytes("a b c d e f"))).as("11 characters, 6 words: 7.98").isEqualTo(7);
        assertThat(TokenUsageFormat.estimate(bytes("ééééééééé"))).as("characters, not bytes").isEqualTo(2);
        assertThat(TokenUsageFormat.estimate(bytes(""))).isZero();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int tokens(JsonRpcMessage message) {
        return TokenUsageFormat.estimate(CODEC.encode(message));
    }

    @Test
    void eachAnsweredCallIsARowAndTheTotalsReachTheStateFileUntilTheGatewayStops() {
        Plugin plugin = AuditFixtures.plugin(new TokenUsageFactory(), directory, new SharedResources(),
                "{\"output_file\": \"logs/tokens.csv\", \"state_file\": \"logs/state.json\", \"flush_interval_seconds\": 0.1}");
        AuditingPlugin auditor = (AuditingPlugin) plugin;
        Request echo = call(1, "echo", "{\"message\": \"" + "word ".repeat(40) + "\"}");
        Response echoed = success(echo, "word ".repeat(200));
        auditor.record(requestEvent(echo, allowed(echo, "")));
        auditor.record(responseEvent(echo, echoed, allowed(echoed, ""), 1000));
        Request list = new Request(AuditFixtures.NODES.numberNode(2), "resources/list", null);
        Response resources = Response.success(list.id(), json("{\"resources\": []}"));
        auditor.record(requestEvent(list, PipelineRun.untouched(list)));
        auditor.record(responseEvent(list, resources, PipelineRun.untouched(resources), 1000));
        Notification progress = new Notification("notifications/progress", json("{\"progress\": 5, \"total\": 10}"));
        auditor.record(notificationEvent(progress, PipelineRun.untouched(progress)));
        Notification initialized = new Notification("notifications/initialized", null);
        auditor.record(new AuditEvent(AuditEvent.Type.NOTIFICATION, Instant.now(),
                AuditFixtures.context(null, Principal.ANONYMOUS), null, initialized.method(), null, initialized,
                PipelineRun.untouched(initialized), 0));

        Path state = directory.resolve("logs/state.json");
        long otherInput = tokens(resources) + tokens(progress);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(state)
                && demoTools(state).path("_other").path("input").asLong() == otherInput);
        JsonNode tools = demoTools(state);
        assertThat(tools.path("echo").path("output").asLong()).isEqualTo(tokens(echo));
        assertThat(tools.path("echo").path("input").asLong()).isEqualTo(tokens(echoed));
        assertThat(tools.path("_other").path("output").asLong()).isEqualTo(tokens(list));
        assertThat(tools.path("_other").path("input").asLong()).isEqualTo(otherInput);
        assertThat(json(readString(state)).path("instances").path(PID).path("servers").has("_gateway"))
                .as("a client's own notification counts for no server").isFalse();

        plugin.close();
        assertThat(lines(directory.resolve("logs/tokens.csv"))).containsExactly(
                "timestamp,server,method,tool,input_tokens,output_tokens",
                "2025-01-12T15:30:45.123456Z,demo,tools/call,echo," + tokens(echoed) + "," + tokens(echo),
                "2025-01-12T15:30:45.123456Z,demo,resources/list,_other," + tokens(resources) + "," + tokens(list),
                "2025-01-12T15:30:45.123456Z,demo,notifications/progress,_other," + tokens(progress) + ",0");
        assertThat(json(readString(state)).path("instances").has(PID)).as("a stopped gateway leaves the file").isFalse();
    }

    @Test
    void otherInstancesAreKeptDeadOnesPrunedAndAResetZeroesTheTotals() throws Exception {
        Path state = directory.resolve("state.json");
        Files.writeString(state, """
                {"reset_id": 0, "reset_timestamp": "2025-01-01T00:00:00.000000Z", "server_reset_ids": {},
                 "instances": {
                   "2147483000": {"started_at": "2025-01-01T00:00:00.000000Z", "last_update": "%s",
                                  "servers": {"other": {"tools": {"x": {"input": 5, "output": 6}}}}},
                   "2147483001": {"started_at": "2020-01-01T00:00:00.000000Z", "last_update": "2020-01-01T00:00:00.000000Z",
                                  "servers": {}}}}
                """.formatted(Instant.now()));
        Plugin plugin = AuditFixtures.plugin(new TokenUsageFactory(), directory, new SharedResources(),
                "{\"output_file\": \"tokens.csv\", \"state_file\": \"state.json\", \"flush_interval_seconds\": 0.1}");
        AuditingPlugin auditor = (AuditingPlugin) plugin;
        Request first = call(1, "echo", "{\"message\": \"first\"}");
        auditor.record(requestEvent(first, allowed(first, "")));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> json(readString(state)).path("instances").has(PID));
        JsonNode written = json(readString(state));
        assertThat(written.path("instances").has("2147483000")).as("recently updated: kept").isTrue();
        assertThat(written.path("instances").has("2147483001")).as("gone and quiet for years: pruned").isFalse();

        // A tool asks every instance for zero by raising reset_id.
        tools.jackson.databind.node.ObjectNode reset = (tools.jackson.databind.node.ObjectNode) json(readString(state));
        reset.put("reset_id", 1);
        Files.writeString(state, reset.toString());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> json(readString(state)).path("instances").has(PID)
                && demoTools(state).isEmpty());
        Request second = call(2, "add", "{\"a\": 1, \"b\": 2}");
        auditor.record(requestEvent(second, allowed(second, "")));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> demoTools(state).has("add"));
        JsonNode tools = demoTools(state);
        assertThat(json(readString(state)).path("reset_id").asLong()).isEqualTo(1);
        assertThat(tools.path("echo").isMissingNode()).as("counted before the reset").isTrue();
        assertThat(tools.path("add").path("output").asLong()).isEqualTo(tokens(second));
        plugin.close();
    }

    @Test
    void tokenUsageIsNotCriticalByDefault() {
        assertThat(new TokenUsageFactory().defaultCritical()).isFalse();
        assertThat(new AuditJsonlFactory().defaultCritical()).isTrue();
    }

    /** This process's totals for the upstream {@code demo}, by tool, as the state file has them. */
    private static JsonNode demoTools(Path state) {
        return json(readString(state)).path("instances").path(PID).path("servers").path("demo").path("tools");
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
