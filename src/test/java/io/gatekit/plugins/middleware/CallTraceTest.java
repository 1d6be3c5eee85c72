package io.gatekit.plugins.middleware;

import static io.gatekit.plugins.middleware.PluginTesting.context;
import static io.gatekit.plugins.middleware.PluginTesting.create;
import static io.gatekit.plugins.middleware.PluginTesting.issues;
import static io.gatekit.plugins.middleware.PluginTesting.json;
import static io.gatekit.plugins.middleware.PluginTesting.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.jsonrpc.RawJson;
import io.gatekit.plugins.PluginContext;
import io.gatekit.plugins.PluginDecision;
import io.gatekit.plugins.PluginKind;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class CallTraceTest {
    private static final CallTraceFactory FACTORY = new CallTraceFactory();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-04T05:06:07.891Z"), ZoneOffset.UTC);
    /** The call started 1000 ms of (fake) time before the answer. */
    private static final long START = 5_000_000_000L;
    private static final PluginContext CONTEXT = context("demo", START);
    private static final Request CALL = request(42, "tools/call", "{\"name\": \"echo\", \"arguments\": {\"message\": \"hi\"}}");
    private static final String ECHO_RESULT = "{\"content\": [{\"type\": \"text\", \"text\": \"hi\"}], \"isError\": false}";

    private static CallTrace trace(String config) {
        return new CallTrace(TraceOptions.of(json(config)), CLOCK, () -> START + TimeUnit.MILLISECONDS.toNanos(1000));
    }

    private static Response success(String result) {
        return Response.success(JsonRpcIds.of(42), json(result));
    }

    private static JsonNode traced(PluginDecision decision) {
        assertThat(decision).isInstanceOf(PluginDecision.Modify.class);
        return ((Response) ((PluginDecision.Modify) decision).message()).successResult();
    }

    private static String block(String config, Request call, String result) {
        JsonNode traced = traced(trace(config).onResponse(call, success(result), CONTEXT));
        JsonNode content = traced.get("content");
        return content.get(content.size() - 1).get("text").stringValue();
    }

    @Test
    void theFactoryDescribesAGlobalMiddlewareHandlerThatRunsLate() {
        assertThat(FACTORY.handler()).isEqualTo("call_trace");
        assertThat(FACTORY.kind()).isEqualTo(PluginKind.MIDDLEWARE);
        assertThat(FACTORY.upstreamOnly()).isFalse();
        assertThat(FACTORY.defaultPriority()).isEqualTo(90);
        assertThat(FACTORY.defaultCritical()).isTrue();
        assertThat(create(FACTORY, null, "{}")).isInstanceOf(CallTrace.class);
    }

    @Test
    void aSuccessfulToolResultGetsTheTraceAsItsLastTextBlock() {
        Response response = success(ECHO_RESULT);
        JsonNode before = response.successResult().deepCopy();

        JsonNode result = traced(trace("{}").onResponse(CALL, response, CONTEXT));

        assertThat(result.get("content")).hasSize(2);
        assertThat(result.at("/content/0")).isEqualTo(before.at("/content/0"));
        assertThat(result.get("isError").asBoolean()).isFalse();
        assertThat(result.at("/content/1/type").stringValue()).isEqualTo("text");
        assertThat(result.at("/content/1/text").stringValue()).isEqualTo("""
                Gatekit trace
                upstream: demo
                tool: echo
                arguments: {"message":"hi"}
                result size: %d B
                duration: 1000 ms
                request id: 42
                time (UTC): 2026-03-04T05:06:07.891Z

                Audit trail: look for request id 42 at about 2026-03-04T05:06:07.891Z in the files of the auditing\
                 plugins (plugins.auditing in your Gatekit config).""".formatted(
                PluginTesting.JSON.writeValueAsBytes(before).length));
        assertThat(response.successResult()).as("the upstream's result is left as it was").isEqualTo(before);
    }

    @Test
    void argumentsLongerThanMaxParamLengthAreCut() {
        Request call = request(1, "tools/call", "{\"name\": \"echo\", \"arguments\": {\"message\": \"abcdefghij\"}}");

        assertThat(block("{\"max_param_length\": 10}", call, ECHO_RESULT)).contains("\narguments: {\"message\"...\n");
        assertThat(block("{\"max_param_length\": 0}", call, ECHO_RESULT)).contains("\narguments: ...\n");
        assertThat(block("{\"max_param_length\": 24}", call, ECHO_RESULT))
                .contains("\narguments: {\"message\":\"abcdefghij\"}\n");
    }

    @Test
    void theDefaultCutIsTwoHundredCharacters() {
        Request call = request(1, "tools/call", "{\"name\": \"echo\", \"arguments\": {\"m\": \"" + "x".repeat(300) + "\"}}");

        String arguments = block("{}", call, ECHO_RESULT).lines().filter(l -> l.startsWith("arguments: ")).findFirst()
                .orElseThrow();

        assertThat(arguments).isEqualTo("arguments: " + ("{\"m\":\"" + "x".repeat(300)).substring(0, 200) + "...");
    }

    @Test
    void aCallWithoutArgumentsShowsAnEmptyObject() {
        assertThat(block("{}", request(3, "tools/call", "{\"name\": \"stats\"}"), ECHO_RESULT)).contains("\narguments: {}\n");
    }

    @Test
    void aStringIdIsShownAsItsText() {
        Request call = new Request(JsonRpcIds.of("call-7"), "tools/call", json("{\"name\": \"echo\"}"));

        assertThat(block("{}", call, ECHO_RESULT)).contains("\nrequest id: call-7\n", "look for request id call-7 at");
    }

    @Test
    void eachTraceFieldTakesItsLineAway() {
        List<String> labels = List.of("upstream: ", "tool: ", "arguments: ", "result size: ", "duration: ",
                "request id: ", "time (UTC): ");
        for (int i = 0; i < TraceOptions.FIELDS.length; i++) {
            String text = block("{\"trace_fields\": {\"" + TraceOptions.FIELDS[i] + "\": false}}", CALL, ECHO_RESULT);
            for (int j = 0; j < labels.size(); j++) {
                String label = labels.get(j);
                boolean shown = text.lines().anyMatch(line -> line.startsWith(label));
                assertThat(shown).as(TraceOptions.FIELDS[i] + " off, line " + labels.get(j)).isEqualTo(i != j);
            }
        }
    }

    @Test
    void theAuditHintFollowsWhatTheBlockShows() {
        assertThat(block("{\"trace_fields\": {\"timestamp\": false}}", CALL, ECHO_RESULT))
                .contains("Audit trail: look for request id 42 in the files");
        assertThat(block("{\"trace_fields\": {\"request_id\": false}}", CALL, ECHO_RESULT))
                .contains("Audit trail: look at about 2026-03-04T05:06:07.891Z in the files");
        assertThat(block("{\"trace_fields\": {\"request_id\": false, \"timestamp\": false}}", CALL, ECHO_RESULT))
                .doesNotContain("Audit trail");
    }

    @Test
    void withEveryFieldOffOnlyTheHeaderIsLeft() {
        String config = "{\"max_param_length\": 0, \"trace_fields\": {\"server\": false, \"tool\": false,"
                + " \"params\": false, \"response_size\": false, \"duration\": false, \"request_id\": false,"
                + " \"timestamp\": false}}";

        assertThat(block(config, CALL, ECHO_RESULT)).isEqualTo("Gatekit trace");
    }

    @Test
    void aResultWithoutAContentArrayIsWrappedIntoOne() {
        for (String result : List.of("{\"entities\": [{\"name\": \"a\"}]}", "{\"content\": \"not a list\"}", "[1, 2]", "\"text\"")) {
            JsonNode traced = traced(trace("{}").onResponse(CALL, success(result), CONTEXT));

            assertThat(traced.propertyNames()).as(result).containsExactly("content");
            assertThat(traced.get("content")).hasSize(2);
            assertThat(json(traced.at("/content/0/text").stringValue())).as(result).isEqualTo(json(result));
            assertThat(traced.at("/content/0/type").stringValue()).isEqualTo("text");
            assertThat(traced.at("/content/1/text").stringValue()).startsWith("Gatekit trace\n");
        }
    }

    @Test
    void errorsOtherMethodsAndQuestionsPass() {
        CallTrace plugin = trace("{}");
        Response failure = Response.failure(JsonRpcIds.of(42), JsonRpcError.of(-32602, "bad"));
        Response question = success("{\"resultType\": \"input_required\", \"inputRequests\": {}, \"requestState\": \"s\"}");

        assertThat(plugin.onResponse(CALL, failure, CONTEXT)).isEqualTo(PluginDecision.pass());
        assertThat(plugin.onResponse(CALL, question, CONTEXT)).isEqualTo(PluginDecision.pass());
        assertThat(plugin.onResponse(request(1, "tools/list", "{}"), success("{\"tools\": []}"), CONTEXT))
                .isEqualTo(PluginDecision.pass());
        assertThat(plugin.onResponse(request(1, "prompts/get", "{\"name\": \"p\"}"), success("{\"messages\": []}"), CONTEXT))
                .isEqualTo(PluginDecision.pass());
        assertThat(plugin.onRequest(CALL, CONTEXT)).isEqualTo(PluginDecision.pass());
        assertThat(traced(plugin.onResponse(CALL, success("{\"resultType\": \"complete\", \"content\": []}"), CONTEXT))
                .get("content")).hasSize(1);
    }

    @Test
    void aFailureInsideLeavesTheResultAsItWas() {
        CallTrace broken = new CallTrace(TraceOptions.of(json("{}")), CLOCK, () -> {
            throw new IllegalStateException("no clock");
        });

        assertThat(broken.onResponse(CALL, success(ECHO_RESULT), CONTEXT)).isEqualTo(PluginDecision.pass());
    }

    @Test
    void noBodyIsReadIntoATreeForIt() {
        CallTrace plugin = trace("{}");

        assertThat(plugin.readsBodies("tools/call")).isFalse();
        assertThat(plugin.readsBodies("tools/list")).isFalse();
    }

    @Test
    void rawBodiesAreTracedAsBytes() {
        JsonRpcCodec clients = JsonRpcCodec.forClients(1 << 20);
        JsonRpcCodec upstream = new JsonRpcCodec(1 << 20, true);
        Request call = (Request) ((Decoded.Ok) clients.decode(("{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"h i\"}}}").getBytes(StandardCharsets.UTF_8))).message();
        String result = "{\"content\": [{\"type\": \"text\", \"text\": \"h i\"}], \"isError\": false}";
        Response response = (Response) ((Decoded.Ok) upstream.decode(("{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":" + result + "}")
                .getBytes(StandardCharsets.UTF_8))).message();

        JsonNode traced = traced(trace("{}").onResponse(call, response, CONTEXT));

        assertThat(RawJson.isRaw(traced)).as("spliced, not read into a tree").isTrue();
        String encoded = new String(upstream.encode(Response.success(JsonRpcIds.of(42), traced)), StandardCharsets.UTF_8);
        assertThat(encoded).startsWith("{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":{\"content\": [{\"type\": \"text\", \"text\": \"h i\"},"
                + "{\"type\":\"text\",\"text\":\"Gatekit trace\\nupstream: demo\\ntool: echo\\narguments: {\\\"message\\\":\\\"h i\\\"}\\n"
                + "result size: " + result.length() + " B\\n").endsWith("}], \"isError\": false}}");
        JsonNode tree = upstream.materialize(traced);
        assertThat(tree.get("content")).hasSize(2);
        assertThat(tree.at("/content/1/text").stringValue()).endsWith("(plugins.auditing in your Gatekit config).");
    }

    @Test
    void rawArgumentsWithSpacesAreShownCompact() {
        JsonRpcCodec clients = JsonRpcCodec.forClients(1 << 20);
        Request call = (Request) ((Decoded.Ok) clients.decode(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"echo\",\"arguments\": { \"message\" : \"a b\" }}}").getBytes(StandardCharsets.UTF_8))).message();

        assertThat(block("{}", call, ECHO_RESULT)).contains("\narguments: {\"message\":\"a b\"}\n");
    }

    @Test
    void rawQuestionsAndResultsWithoutContentTakeTheTreePath() {
        JsonRpcCodec upstream = new JsonRpcCodec(1 << 20, true);
        Response question = (Response) ((Decoded.Ok) upstream.decode(("{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":"
                + "{\"resultType\":\"input_required\",\"content\":[]}}").getBytes(StandardCharsets.UTF_8))).message();
        Response bare = (Response) ((Decoded.Ok) upstream.decode(("{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":"
                + "{\"entities\":[1]}}").getBytes(StandardCharsets.UTF_8))).message();

        assertThat(trace("{}").onResponse(CALL, question, CONTEXT)).isEqualTo(PluginDecision.pass());
        JsonNode wrapped = traced(trace("{}").onResponse(CALL, bare, CONTEXT));
        assertThat(json(wrapped.at("/content/0/text").stringValue())).isEqualTo(json("{\"entities\":[1]}"));
        assertThat(wrapped.at("/content/1/text").stringValue()).startsWith("Gatekit trace\n");
    }

    @Test
    void sizesAreShownAsPeopleReadThem() {
        assertThat(CallTrace.size(0)).isEqualTo("0 B");
        assertThat(CallTrace.size(1023)).isEqualTo("1023 B");
        assertThat(CallTrace.size(1024)).isEqualTo("1.0 KB");
        assertThat(CallTrace.size(2355)).isEqualTo("2.3 KB");
        assertThat(CallTrace.size(1536L * 1024)).isEqualTo("1.5 MB");
        assertThat(CallTrace.size(3L * 1024 * 1024 * 1024)).isEqualTo("3.0 GB");
        assertThat(CallTrace.size(5000L * 1024 * 1024 * 1024)).isEqualTo("5000.0 GB");
    }

    // ---- options ----

    @Test
    void theOriginalsGoldenOptionsPassTheCheck() {
        assertThat(issues(FACTORY, "_global", "{\"enabled\": true, \"critical\": true, \"priority\": 10,"
                + " \"max_param_length\": 0, \"trace_fields\": {\"server\": false, \"tool\": true, \"params\": false,"
                + " \"response_size\": false, \"duration\": false, \"request_id\": true, \"timestamp\": false}}")).isEmpty();
        assertThat(issues(FACTORY, "demo", "{\"enabled\": true, \"priority\": 100, \"max_param_length\": 200}")).isEmpty();
    }

    @Test
    void theCheckRefusesBadOptions() {
        assertThat(issues(FACTORY, "_global", "{\"max_param_length\": -1}")).singleElement().asString().contains("0");
        assertThat(issues(FACTORY, "_global", "{\"max_param_length\": \"long\"}")).singleElement().asString().contains("integer");
        assertThat(issues(FACTORY, "_global", "{\"trace_fields\": {\"servers\": false}}"))
                .singleElement().asString().contains("unknown option 'servers'", "server");
        assertThat(issues(FACTORY, "_global", "{\"trace_fields\": {\"tool\": \"no\"}}"))
                .singleElement().asString().contains("boolean");
        assertThat(issues(FACTORY, "_global", "{\"trace\": true}")).singleElement().asString().contains("unknown option 'trace'");
    }

    @Test
    void createRefusesANegativeLengthWhenCalledDirectly() {
        assertThatThrownBy(() -> create(FACTORY, null, "{\"max_param_length\": -5}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_param_length must be 0 or more");
        assertThatThrownBy(() -> create(FACTORY, null, "{\"max_param_length\": \"x\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole number");
    }
}
