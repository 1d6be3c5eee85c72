package io.gatekit.audit;

import static io.gatekit.audit.AuditFixtures.allowed;
import static io.gatekit.audit.AuditFixtures.blocked;
import static io.gatekit.audit.AuditFixtures.call;
import static io.gatekit.audit.AuditFixtures.failure;
import static io.gatekit.audit.AuditFixtures.json;
import static io.gatekit.audit.AuditFixtures.notificationEvent;
import static io.gatekit.audit.AuditFixtures.redacted;
import static io.gatekit.audit.AuditFixtures.requestEvent;
import static io.gatekit.audit.AuditFixtures.responseEvent;
import static io.gatekit.audit.AuditFixtures.shaped;
import static io.gatekit.audit.AuditFixtures.success;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.plugins.AuditEvent;
import io.gatekit.plugins.PipelineRun;
import io.gatekit.session.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The three record formats, each called directly with events: the fields they write, error classification,
 * bodies, content clearing, and the CSV protections.
 */
class AuditFormatsTest {
    private static final JsonRpcCodec CODEC = FileAuditorFactory.formatCodec();
    private static final JsonLinesFormat.Bodies NO_BODIES = new JsonLinesFormat.Bodies(false, false, false, 10_240);
    private static final JsonLinesFormat.Bodies ALL_BODIES = new JsonLinesFormat.Bodies(true, true, true, 10_240);

    /**
     * The record as the writer takes it ({@code line}): well-formed UTF-8, one line, the same record as the text
     * form ({@code format}).
     */
    private static JsonNode jsonl(AuditEvent event, JsonLinesFormat.Bodies bodies) {
        JsonLinesFormat format = new JsonLinesFormat(bodies, CODEC);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(format.line(event))).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new AssertionError("an audit line that is not UTF-8", e);
        }
        assertThat(text).endsWith("\n");
        String line = text.substring(0, text.length() - 1);
        assertThat(line).doesNotContain("\n");
        assertThat(json(line)).isEqualTo(json(format.format(event).replace("\ud800", "\\ud800")));
        return json(line);
    }

    @Test
    void aJsonLinesRequestAndItsResponseCarryTheOriginalsFields() {
        Request request = call(7, "read_file", "{\"path\": \"/tmp/x\"}");
        JsonNode line = jsonl(requestEvent(request, allowed(request, "clean")), NO_BODIES);
        assertThat(line.path("timestamp").asString()).isEqualTo("2025-01-12T15:30:45.123456Z");
        assertThat(line.path("event_type").asString()).isEqualTo("REQUEST");
        assertThat(line.path("request_id").asInt()).isEqualTo(7);
        assertThat(line.path("server_name").asString()).isEqualTo("demo");
        assertThat(line.path("method").asString()).isEqualTo("tools/call");
        assertThat(line.path("tool").asString()).isEqualTo("read_file");
        assertThat(line.path("principal").asString()).isEmpty();
        assertThat(line.path("pipeline_outcome").asString()).isEqualTo("allowed");
        assertThat(line.path("security_evaluated").asBoolean()).isTrue();
        assertThat(line.path("modified").asBoolean()).isFalse();
        assertThat(line.path("reason").asString()).isEqualTo("[guard] clean");
        JsonNode stage = line.path("pipeline").path("stages").path(0);
        assertThat(stage.path("plugin").asString()).isEqualTo("guard");
        assertThat(stage.path("type").asString()).isEqualTo("security");
        assertThat(stage.path("outcome").asString()).isEqualTo("allowed");
        assertThat(stage.path("reason").asString()).isEqualTo("clean");
        assertThat(stage.path("processing_time_ms").asDouble()).isEqualTo(1.5);
        assertThat(line.has("response_status")).isFalse();
        assertThat(line.has("duration_ms")).isFalse();
        assertThat(line.has("request_body")).as("bodies are off by default").isFalse();

        Response answer = success(request, "hello");
        JsonNode response = jsonl(responseEvent(request, answer, allowed(answer, ""), 12_345_678), NO_BODIES);
        assertThat(response.path("event_type").asString()).isEqualTo("RESPONSE");
        assertThat(response.path("request_id").asInt()).isEqualTo(7);
        assertThat(response.path("tool").asString()).isEqualTo("read_file");
        assertThat(response.path("response_status").asString()).isEqualTo("success");
        assertThat(response.path("duration_ms").asDouble()).isEqualTo(12.346);
        assertThat(response.has("error_code")).isFalse();
        assertThat(response.path("reason").asString()).as("no stage gave a reason: the outcome").isEqualTo("allowed");
    }

    @Test
    void thePrincipalIsTheCallersSubject() {
        Request request = call("r-1", "echo", "{}");
        AuditEvent event = new AuditEvent(AuditEvent.Type.REQUEST, AuditFixtures.TIME,
                AuditFixtures.context("demo", new Principal("alice", Map.of())), request.id(), request.method(), "echo",
                request, PipelineRun.untouched(request), 0);
        JsonNode line = jsonl(event, NO_BODIES);
        assertThat(line.path("principal").asString()).isEqualTo("alice");
        assertThat(line.path("request_id").asString()).isEqualTo("r-1");
        assertThat(line.path("pipeline_outcome").asString()).isEqualTo("no_security");
        assertThat(line.path("security_evaluated").asBoolean()).isFalse();
        assertThat(new HumanReadableFormat(CODEC).format(event)).endsWith(" - NO_SECURITY - by alice");
    }

    @Test
    void errorResponsesAreClassifiedByTheirCode() {
        Map<Integer, String> expected = Map.of(-32700, "PARSE_ERROR", -32600, "INVALID_REQUEST_ERROR",
                -32601, "METHOD_NOT_FOUND_ERROR", -32602, "INVALID_PARAMS_ERROR", -32603, "INTERNAL_ERROR",
                -32000, "UPSTREAM_ERROR", -32099, "UPSTREAM_ERROR", -32010, "SECURITY_BLOCK", 42, "APPLICATION_ERROR",
                -32100, "APPLICATION_ERROR");
        Request request = call(1, "echo", "{}");
        expected.forEach((code, type) -> {
            Response answer = failure(request, code, "went wrong");
            JsonNode line = jsonl(responseEvent(request, answer, PipelineRun.untouched(answer), 1000), NO_BODIES);
            assertThat(line.path("event_type").asString()).as("code %d", code).isEqualTo(type);
            assertThat(line.path("response_status").asString()).isEqualTo("error");
            assertThat(line.path("error_code").asInt()).isEqualTo(code);
            assertThat(line.path("error_message").asString()).isEqualTo("went wrong");
        });
        Response blocked = failure(request, -32010, "Response blocked by deny: leaks");
        String csv = new CsvFormat(CsvDialect.DEFAULT, CODEC).format(responseEvent(request, blocked,
                PipelineRun.untouched(blocked), 1000));
        assertThat(csv).contains(",SECURITY_BLOCK,").contains(",error,-32010,").contains(",blocked_by_policy,");
    }

    @Test
    void modifiedMessagesHaveTheirOwnEventTypes() {
        Request request = call(2, "echo", "{}");
        assertThat(jsonl(requestEvent(request, shaped(request)), NO_BODIES).path("event_type").asString())
                .isEqualTo("REQUEST_MODIFIED");
        Response answer = success(request, "x");
        assertThat(jsonl(responseEvent(request, answer, shaped(answer), 1), NO_BODIES).path("event_type").asString())
                .isEqualTo("RESPONSE_MODIFIED");
        Notification progress = new Notification("notifications/progress", json("{\"progress\": 1}"));
        JsonNode line = jsonl(notificationEvent(progress, shaped(progress)), NO_BODIES);
        assertThat(line.path("event_type").asString()).isEqualTo("NOTIFICATION_MODIFIED");
        assertThat(line.path("request_id").isNull()).isTrue();
        assertThat(line.path("modified").asBoolean()).isTrue();
        assertThat(line.path("security_evaluated").asBoolean()).as("only middleware ran").isFalse();
    }

    @Test
    void bodiesAreWrittenWhenAskedAndCutAtMaxBodySize() {
        Request request = call(3, "echo", "{\"message\": \"hello\"}");
        JsonNode line = jsonl(requestEvent(request, allowed(request, "")), ALL_BODIES);
        assertThat(line.path("request_body")).isEqualTo(request.params());

        Response answer = failure(request, -32602, "bad");
        assertThat(jsonl(responseEvent(request, answer, allowed(answer, ""), 1), ALL_BODIES)
                .path("response_body").path("code").asInt()).isEqualTo(-32602);

        Request big = call(4, "echo", "{\"message\": \"" + "x".repeat(500) + "\"}");
        JsonNode cut = jsonl(requestEvent(big, allowed(big, "")), new JsonLinesFormat.Bodies(true, false, false, 100))
                .path("request_body");
        assertThat(cut.isString()).isTrue();
        assertThat(cut.asString()).startsWith("{\"name\":\"echo\"").endsWith(JsonLinesFormat.TRUNCATED)
                .hasSize(100 + JsonLinesFormat.TRUNCATED.length());
        JsonNode whole = jsonl(requestEvent(big, allowed(big, "")), new JsonLinesFormat.Bodies(true, false, false, 0))
                .path("request_body");
        assertThat(whole).as("0 is unlimited").isEqualTo(big.params());
    }

    @Test
    void nonAsciiTextAndLoneSurrogatesAreWrittenAsValidUtf8OnOneLine() {
        Request request = call(6, "echo", "{\"message\":\"caf\u00e9 \u2028 \\ud800 \ud83d\ude00\"}");
        JsonNode line = jsonl(requestEvent(request, allowed(request, "")), ALL_BODIES);
        assertThat(line.path("request_body").path("arguments").path("message").asString())
                .isEqualTo("caf\u00e9 \u2028 \ud800 \ud83d\ude00");
    }

    @Test
    void rawArgumentsWithLineBreaksAreWrittenAsATreeOnOneLine() {
        String frame = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\n  \"message\": \"two\\nlines\"\n}}}";
        Decoded decoded = JsonRpcCodec.forClients(1 << 20).decode(frame.getBytes(StandardCharsets.UTF_8));
        Request request = (Request) ((Decoded.Ok) decoded).message();
        JsonNode line = jsonl(requestEvent(request, allowed(request, "")), ALL_BODIES);
        assertThat(line.path("request_body").path("arguments").path("message").asString()).isEqualTo("two\nlines");
    }

    @Test
    void aBlockedOrRedactedMessageLeavesOnlyItsHashInEveryFormat() throws Exception {
        String secret = "AKIAABCDEFGHIJKLMNOP";
        Request request = call(9, "echo", "{\"message\": \"" + secret + "\"}");
        AuditEvent blockedRequest = requestEvent(request, blocked(request, "found " + secret));
        JsonNode line = jsonl(blockedRequest, ALL_BODIES);
        assertThat(line.toString()).doesNotContain(secret);
        assertThat(line.path("event_type").asString()).isEqualTo("SECURITY_BLOCK");
        assertThat(line.path("pipeline_outcome").asString()).isEqualTo("blocked");
        assertThat(line.has("request_body")).isFalse();
        assertThat(line.path("content_cleared").asBoolean()).isTrue();
        assertThat(line.path("content_hash").asString()).isEqualTo(sha256Prefix(CODEC.encode(request)));
        assertThat(line.path("reason").asString()).isEqualTo("[deny] [blocked]");
        assertThat(line.path("pipeline").path("blocked_at_stage").asString()).isEqualTo("deny");
        assertThat(line.path("pipeline").path("stages").path(0).path("reason").asString()).isEqualTo("[blocked]");

        Response leaking = success(request, "the key is " + secret);
        Response redactedAnswer = success(request, "the key is [SECRET REDACTED by Gatekit]");
        AuditEvent redactedResponse = responseEvent(request, redactedAnswer, redacted(redactedAnswer, "redacted " + secret), 5);
        JsonNode response = jsonl(redactedResponse, ALL_BODIES);
        assertThat(response.toString()).doesNotContain(secret).doesNotContain("REDACTED by");
        assertThat(response.path("event_type").asString()).isEqualTo("RESPONSE_MODIFIED");
        assertThat(response.has("response_body")).isFalse();
        assertThat(response.path("content_hash").asString()).isEqualTo(sha256Prefix(CODEC.encode(redactedAnswer)))
                .isNotEqualTo(sha256Prefix(CODEC.encode(leaking)));

        Response blockedAnswer = failure(request, -32010, "Response blocked by deny: it mentions " + secret);
        AuditEvent blockedResponse = responseEvent(request, blockedAnswer, blocked(leaking, "mentions " + secret), 5);
        JsonNode error = jsonl(blockedResponse, ALL_BODIES);
        assertThat(error.toString()).doesNotContain(secret);
        assertThat(error.path("error_message").asString()).isEqualTo("[blocked]");

        CsvFormat csv = new CsvFormat(CsvDialect.DEFAULT, CODEC);
        HumanReadableFormat human = new HumanReadableFormat(CODEC);
        for (AuditEvent event : new AuditEvent[] {blockedRequest, redactedResponse, blockedResponse}) {
            assertThat(csv.format(event)).doesNotContain(secret).contains(AuditRecord.of(event, CODEC).contentHash());
            assertThat(human.format(event)).doesNotContain(secret);
        }
    }

    private static String sha256Prefix(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 16);
    }

    @Test
    void csvRowsFollowTheHeaderAndDefuseFormulasLineBreaksAndHugeValues() {
        CsvDialect dialect = CsvDialect.DEFAULT;
        assertThat(dialect.header(CsvFormat.COLUMNS)).isEqualTo("timestamp,event_type,request_id,server_name,method,"
                + "tool,pipeline_outcome,security_evaluated,modified,reason,duration_ms,response_status,error_code,"
                + "error_message,error_classification,principal,content_hash,access_decision");
        Request request = call(11, "=HYPERLINK(\"http://evil\")", "{}");
        String row = new CsvFormat(dialect, CODEC).format(requestEvent(request,
                allowed(request, "first line\nsecond, with comma")));
        assertThat(row).isEqualTo("2025-01-12T15:30:45.123456Z,REQUEST,11,demo,tools/call,"
                + "\"'=HYPERLINK(\"\"http://evil\"\")\",allowed,true,false,"
                + "\"[guard] first line\\nsecond, with comma\",,,,,,,,");

        for (String dangerous : new String[] {"=1+1", "+1", "-1", "@SUM(A1)", "\tx"}) {
            assertThat(CsvDialect.protect(dangerous)).startsWith("'").endsWith(dangerous.substring(1));
        }
        assertThat(CsvDialect.protect("a\\b\r\nc")).isEqualTo("a\\\\b\\r\\nc");
        String huge = CsvDialect.protect("y".repeat(40_000));
        assertThat(huge).hasSize(CsvDialect.MAX_VALUE).endsWith("...");

        Response answer = failure(request, -32601, "no such tool");
        String error = new CsvFormat(dialect, CODEC).format(responseEvent(request, answer, PipelineRun.untouched(answer),
                2_000_000));
        assertThat(error).as("a negative code is a number, not a formula").contains(",2.0,error,-32601,no such tool,method_not_found,,");
    }

    @Test
    void csvConfigChangesDelimiterQuotingAndNulls() {
        Notification notification = new Notification("notifications/message", null);
        AuditEvent event = notificationEvent(notification, PipelineRun.untouched(notification));
        CsvDialect semicolons = CsvDialect.of(json("{\"delimiter\": \";\", \"quote_style\": \"all\", \"null_value\": \"NULL\"}"));
        assertThat(new CsvFormat(semicolons, CODEC).format(event)).startsWith(
                "\"2025-01-12T15:30:45.123456Z\";\"NOTIFICATION\";\"NULL\";\"demo\";\"notifications/message\";\"NULL\"");

        Request request = call(12, "echo", "{}");
        CsvDialect nonNumeric = CsvDialect.of(json("{\"quote_style\": \"nonnumeric\"}"));
        assertThat(new CsvFormat(nonNumeric, CODEC).format(requestEvent(request, allowed(request, ""))))
                .startsWith("\"2025-01-12T15:30:45.123456Z\",\"REQUEST\",12,\"demo\"");

        CsvDialect unquoted = CsvDialect.of(json("{\"quote_style\": \"none\", \"escape_char\": \"^\"}"));
        assertThat(unquoted.row(java.util.Arrays.asList("a,b", "say \"hi\"", 3))).isEqualTo("a^,b,say ^\"hi^\",3");
    }

    @Test
    void humanReadableLinesSayWhatHappenedInOneLine() {
        Request request = call(13, "read_file", "{}");
        HumanReadableFormat human = new HumanReadableFormat(CODEC);
        assertThat(human.format(requestEvent(request, allowed(request, "clean"))))
                .isEqualTo("2025-01-12 15:30:45 UTC - REQUEST: tools/call - read_file - demo - ALLOWED");
        Response answer = success(request, "contents");
        assertThat(human.format(responseEvent(request, answer, allowed(answer, ""), 12_000_000)))
                .isEqualTo("2025-01-12 15:30:45 UTC - RESPONSE: tools/call - read_file - demo - success (0.012s)");
        Response error = failure(request, -32000, "upstream\nunavailable");
        assertThat(human.format(responseEvent(request, error, PipelineRun.untouched(error), 1)))
                .isEqualTo("2025-01-12 15:30:45 UTC - UPSTREAM_ERROR: tools/call - read_file - demo - error -32000: upstream unavailable");
        assertThat(human.format(requestEvent(request, blocked(request, "no"))))
                .isEqualTo("2025-01-12 15:30:45 UTC - SECURITY_BLOCK: tools/call - read_file - demo - BLOCKED - [deny] [blocked]");
        Notification list = new Notification("notifications/tools/list_changed", null);
        assertThat(human.format(notificationEvent(list, shaped(list))))
                .isEqualTo("2025-01-12 15:30:45 UTC - NOTIFICATION_MODIFIED: notifications/tools/list_changed - demo - MODIFIED");
    }

    @Test
    void droppedMarkersAreRecordsOfEachFormat() {
        JsonNode marker = json(JsonLinesFormat.LAYOUT.droppedMarker(AuditFixtures.TIME, 42));
        assertThat(marker.path("event_type").asString()).isEqualTo("AUDIT_DROPPED");
        assertThat(marker.path("count").asLong()).isEqualTo(42);
        assertThat(CsvFormat.layout(CsvDialect.DEFAULT).droppedMarker(AuditFixtures.TIME, 42))
                .startsWith("2025-01-12T15:30:45.123456Z,AUDIT_DROPPED,").contains("42 records dropped");
        assertThat(HumanReadableFormat.LAYOUT.droppedMarker(AuditFixtures.TIME, 42)).contains("AUDIT_DROPPED: 42 records");
    }
}
