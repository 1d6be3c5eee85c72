package io.gatekit.interop;

import io.gatekit.testing.GatewayProcess;
import io.gatekit.testing.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The "client under test" the official conformance suite launches for its client scenarios
 * ({@code conformance client --command ...}): it appends the scenario server's URL and names the scenario in
 * {@code MCP_CONFORMANCE_SCENARIO}. This runs a real gateway process whose one upstream is that server, and drives
 * it through its stdio face with a plain client: initialize, list the tools, and call the scenario's tool. So the
 * suite's checks judge the gateway as the client of an upstream. Exits 0 when the flow got its answers.
 */
public final class ConformanceClient {
    private static final Duration ANSWER = Duration.ofSeconds(20);

    private ConformanceClient() {}

    public static void main(String[] args) throws Exception {
        String url = args[args.length - 1];
        String scenario = System.getenv().getOrDefault("MCP_CONFORMANCE_SCENARIO", "initialize");
        Path dir = Files.createTempDirectory("gatekit-conformance-client");
        int exit;
        try (GatewayProcess gateway = GatewayProcess.start(dir, """
                proxy:
                  transport: stdio
                  timeouts: {request_timeout: 20, connection_timeout: 10}
                  upstreams:
                    - name: conf
                      transport: http
                      url: "%s"
                """.formatted(url))) {
            try {
                exit = run(gateway.client, scenario);
                gateway.closeAndWait(10); // the gateway ends its upstream session (DELETE) as it stops
            } catch (Exception | AssertionError e) {
                System.err.println("gatekit conformance client failed: " + e + "\n--- gateway stderr ---\n" + gateway.stderrText());
                exit = 1;
            }
        }
        System.exit(exit);
    }

    private static int run(TestClient client, String scenario) {
        client.onServerRequest(ConformanceClient::answer);
        ObjectNode capabilities = TestClient.object();
        capabilities.putObject("elicitation").putObject("form");
        JsonNode init = client.initialize(capabilities);
        require(init.has("result"), "initialize failed: " + init);
        JsonNode tools = TestClient.await(client.request("tools/list", null), ANSWER);
        require(tools.has("result"), "tools/list failed: " + tools);
        List<String> names = TestClient.names(tools.path("result").path("tools"), "name");
        System.err.println("tools: " + names);
        String tool = switch (scenario) {
            case "tools_call" -> "conf__add_numbers";
            case "elicitation-sep1034-client-defaults" -> "conf__test_client_elicitation_defaults";
            case "sse-retry" -> "conf__test_reconnection";
            default -> null; // initialize: the handshake is the scenario
        };
        if (tool == null) {
            return 0;
        }
        require(names.contains(tool), tool + " not listed: " + names);
        JsonNode answer = TestClient.await(client.request("tools/call",
                "conf__add_numbers".equals(tool) ? TestClient.toolCall(tool, "a", 2, "b", 3) : TestClient.toolCall(tool)), ANSWER);
        System.err.println(scenario + " answered: " + answer);
        require(answer.has("result") && !answer.path("result").path("isError").asBoolean(false), "tools/call failed: " + answer);
        return 0;
    }

    /**
     * Server-to-client requests the scenarios make. An elicitation is accepted with every field the requested
     * schema gives a default for (what a form client does when the user accepts the defaults).
     */
    private static JsonNode answer(JsonNode request) {
        ObjectNode result = TestClient.object();
        if ("elicitation/create".equals(request.path("method").asString())) {
            result.put("action", "accept");
            ObjectNode content = result.putObject("content");
            request.path("params").path("requestedSchema").path("properties").properties().forEach(field -> {
                if (field.getValue().has("default")) {
                    content.set(field.getKey(), field.getValue().get("default"));
                }
            });
        }
        return result;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
