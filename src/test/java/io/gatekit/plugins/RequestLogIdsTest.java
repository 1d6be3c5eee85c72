package io.gatekit.plugins;

import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.LogCapture;
import io.gatekit.testing.TestClient;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.IntNode;

/**
 * With JSON logs, a line logged while the chain runs a request (here a failing plugin's warning) carries that
 * request's session id, JSON-RPC id and method in the MDC, which the JSON encoder writes; with text logs, none.
 */
class RequestLogIdsTest {
    private static final TestPluginFactory BOOM = TestPluginFactory.of("boom", PluginKind.MIDDLEWARE,
            setup -> new MiddlewarePlugin() {
                @Override
                public PluginDecision onRequest(Request request, PluginContext context) {
                    throw new IllegalStateException("kaboom");
                }
            });

    private static List<ILoggingEvent> warningsOfACall(String format) {
        try (LogCapture log = LogCapture.of(Pipeline.class);
                GatewayFixture fixture = GatewayFixture.start("""
                        proxy:
                          transport: stdio
                          upstreams:
                            - {name: demo, command: %%DEMO%%}
                        plugins:
                          middleware:
                            _global:
                              - {handler: boom, config: {critical: false}}
                        logging: {format: %s}
                        """.formatted(format), PluginRegistry.of(List.of(BOOM)))) {
            TestClient client = fixture.connect();
            client.initialize(null);
            assertThat(TestClient.text(TestClient.await(client.request(IntNode.valueOf(4242), "tools/call",
                    toolCall("demo__echo", "message", "x")), java.time.Duration.ofSeconds(20)))).isEqualTo("x");
            return log.events(Level.WARN);
        }
    }

    @Test
    void jsonLogs_carryTheRequestsIds() {
        // The plugin fails on initialize too (its own request and line); the call's line names the call.
        ILoggingEvent warning = warningsOfACall("json").stream()
                .filter(e -> e.getFormattedMessage().contains("skipped (not critical)"))
                .filter(e -> e.getFormattedMessage().contains("tools/call")).findFirst().orElseThrow();

        assertThat(warning.getMDCPropertyMap())
                .containsEntry("request_id", "4242")
                .containsEntry("method", "tools/call")
                .hasEntrySatisfying("session_id", id -> assertThat(id).startsWith("socket-"));
    }

    @Test
    void textLogs_leaveTheMdcAlone() {
        assertThat(warningsOfACall("text")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).doesNotContainKeys("request_id", "session_id"));
    }
}
