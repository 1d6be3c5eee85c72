package io.gatekit.plugins.middleware;

import static io.gatekit.testing.TestClient.names;
import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gatekit.config.ConfigException;
import io.gatekit.config.ConfigLoader;
import io.gatekit.plugins.PluginRegistry;
import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.Processes;
import io.gatekit.testing.TestClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/** The middleware plugins in a real gateway, in front of the demo upstream (named {@code demo}). */
@Timeout(120)
class MiddlewareEndToEndTest {

    /** A config with the demo upstream ({@code %DEMO%} is its command) and the given {@code plugins:} section. */
    private static String withDemo(String plugins) {
        return """
                proxy:
                  transport: stdio
                  upstreams:
                    - name: demo
                      command: %DEMO%
                """ + plugins;
    }

    /** demo's echo shown as "say" with its own description, add shown as it is, every other demo tool hidden. */
    private static final String TOOL_MANAGER = withDemo("""
            plugins:
              middleware:
                demo:
                  - handler: tool_manager
                    config:
                      enabled: true
                      tools:
                        - tool: echo
                          display_name: say
                          display_description: Says the message back.
                        - tool: add
            """);

    @Test
    void theClientSeesOnlyTheListedToolsUnderTheirDisplayNames() {
        try (GatewayFixture fixture = GatewayFixture.start(TOOL_MANAGER)) {
            TestClient client = fixture.connect();
            client.initialize(null);
            fixture.awaitReady("demo");

            JsonNode tools = client.call("tools/list", TestClient.object()).path("result").path("tools");

            assertThat(names(tools, "name")).containsExactly("demo__say", "demo__add");
            assertThat(tools.path(0).path("description").stringValue()).isEqualTo("Says the message back.");
            assertThat(tools.path(0).path("inputSchema").path("properties").has("message")).isTrue();
            assertThat(tools.path(1).path("description").stringValue()).isEqualTo("Adds two numbers.");
            // Served from the cache the second time: the plugins ran before the list was cached.
            assertThat(client.call("tools/list", TestClient.object()).path("result").path("tools")).isEqualTo(tools);
        }
    }

    @Test
    void callingTheDisplayNameReachesTheToolAndHiddenToolsAreNotAvailable() {
        try (GatewayFixture fixture = GatewayFixture.start(TOOL_MANAGER)) {
            TestClient client = fixture.connect();
            client.initialize(null);
            fixture.awaitReady("demo");

            assertThat(text(client.call("tools/call", toolCall("demo__say", "message", "hello")))).isEqualTo("hello");
            assertThat(text(client.call("tools/call", toolCall("demo__add", "a", 2, "b", 3)))).isEqualTo("5");

            for (String hidden : new String[] {"demo__sleep", "demo__echo"}) {
                JsonNode error = client.call("tools/call", toolCall(hidden, "ms", 1, "message", "x")).path("error");
                assertThat(error.path("code").asInt()).as(hidden).isEqualTo(-32601);
                assertThat(error.path("message").stringValue()).isEqualTo("Tool '" + hidden + "' is not available");
                assertThat(error.path("data").path("reason").stringValue()).isEqualTo("hidden_by_policy");
                assertThat(error.path("data").path("plugin").stringValue()).isEqualTo("tool_manager");
            }
        }
    }

    @Test
    void aToolManagerUnderGlobalIsRefusedWithItsPlace() {
        String yaml = withDemo("""
                plugins:
                  middleware:
                    _global:
                      - handler: tool_manager
                        config: {tools: [{tool: echo}]}
                """).replace("%DEMO%", Processes.demoServerYaml());

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(yaml, "gatekit.yaml", Path.of("."), Map.of(), PluginRegistry.builtIn()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).containsPattern("gatekit\\.yaml:9:\\d+: ")
                .contains("'tool_manager' configures one upstream at a time", "not _global");
    }

    @Test
    void callTraceAppendsItsBlockToAToolResult() {
        try (GatewayFixture fixture = GatewayFixture.start(withDemo("""
                plugins:
                  middleware:
                    _global:
                      - handler: call_trace
                        config: {enabled: true, max_param_length: 200}
                """))) {
            TestClient client = fixture.connect();
            client.initialize(null);
            fixture.awaitReady("demo");

            JsonNode response = client.call("tools/call", toolCall("demo__echo", "message", "traced"));

            JsonNode content = response.path("result").path("content");
            assertThat(content).hasSize(2);
            assertThat(text(response)).isEqualTo("traced");
            String trace = content.path(1).path("text").stringValue();
            assertThat(trace).startsWith("Gatekit trace\n")
                    .contains("\nupstream: demo\n", "\ntool: echo\n", "\narguments: {\"message\":\"traced\"}\n",
                            "\nrequest id: " + response.path("id").asLong() + "\n", "\nresult size: ", " ms\n",
                            "\ntime (UTC): ", "Audit trail: ");
            // Errors are not traced.
            JsonNode failed = client.call("tools/call", toolCall("demo__fail", "mode", "error"));
            assertThat(failed.has("error")).isTrue();
        }
    }
}
