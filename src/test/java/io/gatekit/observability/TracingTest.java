package io.gatekit.observability;

import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.config.ClientTransport;
import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.OtlpReceiver;
import io.gatekit.testing.ScriptedHttpUpstream;
import io.gatekit.testing.TestClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** OpenTelemetry spans of a real gateway (in-memory exporter) and the trace context its upstreams receive. */
class TracingTest {
    private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();

    @AfterEach
    void reset() {
        spans.reset();
    }

    private Tracing tracing(double ratio) {
        return new Tracing(SimpleSpanProcessor.create(spans), ratio, "gatekit-test", "test", ClientTransport.STDIO);
    }

    /** A gateway tracing to the in-memory exporter, in front of the demo server. */
    private GatewayFixture tracedDemo() {
        return GatewayFixture.traced("""
                proxy:
                  transport: stdio
                  upstreams:
                    - {name: demo, command: %DEMO%}
                """, tracing(1.0));
    }

    /** A client past the handshake, once {@code upstream} is ready; spans so far are forgotten. */
    private TestClient ready(GatewayFixture fixture, String upstream) {
        TestClient client = fixture.connect();
        client.initialize(null);
        fixture.awaitReady(upstream);
        spans.reset();
        return client;
    }

    private static ObjectNode withTraceContext(ObjectNode params, String traceparent) {
        params.putObject("_meta").put("traceparent", traceparent).put("tracestate", "vendor=client");
        return params;
    }

    private List<SpanData> awaitSpans(int count) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().size() >= count);
        return spans.getFinishedSpanItems();
    }

    private static SpanData ofKind(List<SpanData> finished, SpanKind kind) {
        return finished.stream().filter(s -> s.getKind() == kind).findFirst().orElseThrow();
    }

    private static String attribute(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    @Test
    void aToolCall_continuesTheClientsTrace_withAServerAndAnUpstreamSpan() {
        try (GatewayFixture fixture = tracedDemo()) {
            TestClient client = ready(fixture, "demo");

            JsonNode answer = client.call("tools/call", withTraceContext(toolCall("demo__echo", "message", "hi"),
                    "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01"));
            assertThat(text(answer)).isEqualTo("hi");

            List<SpanData> finished = awaitSpans(2);
            SpanData server = ofKind(finished, SpanKind.SERVER);
            SpanData upstream = ofKind(finished, SpanKind.CLIENT);
            assertThat(server.getName()).isEqualTo("tools/call demo__echo");
            assertThat(server.getTraceId()).isEqualTo(CLIENT_TRACE);
            assertThat(server.getParentSpanId()).isEqualTo(CLIENT_SPAN);
            assertThat(attribute(server, "mcp.method.name")).isEqualTo("tools/call");
            assertThat(attribute(server, "gen_ai.tool.name")).isEqualTo("demo__echo");
            assertThat(attribute(server, "gen_ai.operation.name")).isEqualTo("execute_tool");
            assertThat(attribute(server, "jsonrpc.request.id")).isNotBlank();
            assertThat(attribute(server, "mcp.session.id")).startsWith("socket-");
            assertThat(attribute(server, "network.transport")).isEqualTo("pipe");
            assertThat(attribute(server, "gatekit.upstream")).isEqualTo("demo");
            assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

            assertThat(upstream.getName()).isEqualTo("tools/call echo");
            assertThat(upstream.getTraceId()).isEqualTo(CLIENT_TRACE);
            assertThat(upstream.getParentSpanId()).isEqualTo(server.getSpanId());
            assertThat(attribute(upstream, "gen_ai.tool.name")).isEqualTo("echo");
            assertThat(attribute(upstream, "network.transport")).isEqualTo("pipe");
        }
    }

    @Test
    void errors_setErrorTypeToTheJsonRpcCode() {
        try (GatewayFixture fixture = tracedDemo()) {
            TestClient client = ready(fixture, "demo");

            JsonNode failed = client.call("tools/call", toolCall("demo__fail"));
            assertThat(failed.path("error").path("code").asInt()).isEqualTo(-32603);
            List<SpanData> finished = awaitSpans(2);
            for (SpanData span : finished) {
                assertThat(attribute(span, "error.type")).isEqualTo("-32603");
                assertThat(attribute(span, "rpc.response.status_code")).isEqualTo("-32603");
                assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            }
            spans.reset();

            JsonNode unknown = client.call("no/such/method", TestClient.object());
            assertThat(unknown.path("error").path("code").asInt()).isEqualTo(-32601);
            SpanData server = awaitSpans(1).getFirst();
            assertThat(server.getName()).isEqualTo("no/such/method");
            assertThat(server.getParentSpanContext().isValid()).isFalse(); // no client context: a new trace
            assertThat(attribute(server, "error.type")).isEqualTo("-32601");
        }
    }

    @Test
    void theUpstreamReceivesTraceContextInMeta_andNoneWhenTracingIsOff() {
        try (ScriptedHttpUpstream upstream = new ScriptedHttpUpstream()) {
            String yaml = """
                    proxy:
                      transport: stdio
                      upstreams:
                        - {name: up, transport: http, url: "%s", protocol_era: legacy}
                    """.formatted(upstream.url());
            try (GatewayFixture fixture = GatewayFixture.traced(yaml, tracing(1.0))) {
                TestClient client = ready(fixture, "up");
                ObjectNode params = withTraceContext(toolCall("up__echo", "message", "hi"),
                        "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01");
                ((ObjectNode) params.get("_meta")).put("vendor/key", "kept");
                assertThat(text(client.call("tools/call", params))).isEqualTo("Echo: hi");

                JsonNode sent = upstream.seen("POST", "tools/call").getLast().body().path("params");
                SpanData call = ofKind(awaitSpans(2), SpanKind.CLIENT);
                assertThat(sent.path("_meta").path("traceparent").asString())
                        .isEqualTo("00-" + CLIENT_TRACE + "-" + call.getSpanId() + "-01");
                assertThat(sent.path("_meta").path("tracestate").asString()).isEqualTo("vendor=client");
                assertThat(sent.path("_meta").path("vendor/key").asString()).isEqualTo("kept");
                assertThat(sent.path("arguments").path("message").asString()).isEqualTo("hi");
            }
            try (GatewayFixture untraced = GatewayFixture.start(yaml)) {
                TestClient client = untraced.connect();
                client.initialize(null);
                untraced.awaitReady("up");
                assertThat(text(client.call("tools/call", toolCall("up__echo", "message", "plain")))).isEqualTo("Echo: plain");
                JsonNode sent = upstream.seen("POST", "tools/call").getLast().body().path("params");
                assertThat(sent.has("_meta")).isFalse();
            }
        }
    }

    @Test
    void anUnsampledClientTrace_isNotRecorded_butStillPropagated() {
        try (ScriptedHttpUpstream upstream = new ScriptedHttpUpstream();
                GatewayFixture fixture = GatewayFixture.traced("""
                        proxy:
                          transport: stdio
                          upstreams:
                            - {name: up, transport: http, url: "%s", protocol_era: legacy}
                        """.formatted(upstream.url()), tracing(1.0))) {
            TestClient client = ready(fixture, "up");
            client.call("tools/call", withTraceContext(toolCall("up__echo", "message", "x"),
                    "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-00"));

            String sent = upstream.seen("POST", "tools/call").getLast().body().path("params").path("_meta")
                    .path("traceparent").asString();
            assertThat(sent).startsWith("00-" + CLIENT_TRACE + "-").endsWith("-00");
            assertThat(spans.getFinishedSpanItems()).isEmpty();
        }
    }

    @Test
    void theConfiguredExporter_sendsSpansOverOtlpHttpProtobuf() {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            try (GatewayFixture fixture = GatewayFixture.start("""
                    proxy:
                      transport: stdio
                      upstreams:
                        - {name: demo, command: %%DEMO%%}
                    observability:
                      tracing:
                        enabled: true
                        endpoint: "%s"
                        service_name: gatekit-otlp-test
                        headers: {x-api-key: sekrit}
                    """.formatted(receiver.url()))) {
                TestClient client = ready(fixture, "demo");
                client.call("tools/call", withTraceContext(toolCall("demo__echo", "message", "hi"),
                        "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01"));
            } // closing the gateway exports what the batch processor still holds
            assertThat(receiver.contentTypes).isNotEmpty().allMatch(type -> type.startsWith("application/x-protobuf"));
            assertThat(receiver.apiKeys).containsOnly("sekrit");
            assertThat(receiver.spans).contains(
                    new OtlpReceiver.ReceivedSpan("gatekit-otlp-test", CLIENT_TRACE, "tools/call demo__echo", 2),
                    new OtlpReceiver.ReceivedSpan("gatekit-otlp-test", CLIENT_TRACE, "tools/call echo", 3));
        }
    }
}
