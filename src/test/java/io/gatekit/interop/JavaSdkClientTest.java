package io.gatekit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gatekit.testing.Peers;
import io.gatekit.testing.ProcessTree;
import io.gatekit.testing.Processes;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.CompleteRequest;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult;
import io.modelcontextprotocol.spec.McpSchema.GetPromptRequest;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptReference;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.ClientCapabilities;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageRequest;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageResult;
import io.modelcontextprotocol.spec.McpSchema.ElicitFormRequest;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.InitializeResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.Root;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Java MCP SDK client (io.modelcontextprotocol.sdk:mcp 2.1.0, {@link McpClient#sync} over
 * {@link StdioClientTransport}) launches {@code gatekit gateway} as its server, with the official
 * server-everything behind it: a third-party client and a third-party server meeting only through the gateway.
 * One client serves the whole class, as one desktop client would; the shutdown test starts its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JavaSdkClientTest {
    private static final String ROOT_URI = "file:///tmp/gatekit-java-sdk-root";
    private static final String ROOT_NAME = "java-sdk-root";
    private static final String SECOND_ROOT_URI = "file:///tmp/gatekit-java-sdk-second-root";

    @TempDir
    static Path dir;

    private static McpSyncClient client;
    private static InitializeResult init;
    private static Set<ProcessHandle> childrenBefore = Set.of();
    private static final StringBuffer gatewayStderr = new StringBuffer();
    private static final ConcurrentLinkedQueue<ProgressNotification> progress = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<CreateMessageRequest> samplingRequests = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<ElicitFormRequest> elicitationRequests = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<LoggingMessageNotification> logs = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void connect() throws Exception {
        Peers.requireInstalled(Peers.EVERYTHING);
        childrenBefore = ProcessHandle.current().children().collect(Collectors.toSet());
        client = sdkClient(config(), gatewayStderr)
                .capabilities(ClientCapabilities.builder().roots(true).sampling().elicitation().build())
                .roots(new Root(ROOT_URI, ROOT_NAME))
                .sampling(request -> {
                    samplingRequests.add(request);
                    String prompt = request.messages().getFirst().content() instanceof TextContent text ? text.text() : "?";
                    return CreateMessageResult.builder(Role.ASSISTANT, "java-sampled: " + prompt, "java-sdk-test-model")
                            .stopReason(CreateMessageResult.StopReason.END_TURN).build();
                })
                .elicitation(request -> {
                    elicitationRequests.add(request);
                    return new ElicitResult(ElicitResult.Action.ACCEPT,
                            Map.of("name", "Gatekit Java", "check", true, "email", "java@example.com", "integer", 7));
                })
                .progressConsumer(progress::add)
                .loggingConsumer(logs::add)
                .enableCallToolSchemaCaching(true)
                .build();
        init = client.initialize();
    }

    @AfterAll
    static void close() {
        // Whatever this class started (the gateway and its upstream), found before the gateway is gone.
        List<ProcessHandle> started = ProcessHandle.current().children().filter(p -> !childrenBefore.contains(p))
                .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants())).toList();
        if (client != null) {
            client.closeGracefully();
        }
        started.forEach(ProcessHandle::destroyForcibly);
    }

    private static Path config() throws Exception {
        Path config = dir.resolve("gatekit.yaml");
        Files.writeString(config, Peers.everythingGatewayConfig());
        return config;
    }

    /** A Java SDK client builder whose transport launches {@code gatekit gateway --config FILE}. */
    private static McpClient.SyncSpec sdkClient(Path config, StringBuffer stderr) {
        List<String> command = Processes.gatekit("gateway", "--config", config.toString());
        ServerParameters params = ServerParameters.builder(command.getFirst()).args(command.subList(1, command.size())).build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(line -> stderr.append(line).append('\n'));
        return McpClient.sync(transport)
                .clientInfo(Implementation.builder("gatekit-java-sdk-interop", "1.0.0").build())
                .requestTimeout(Duration.ofSeconds(20))
                .initializationTimeout(Duration.ofSeconds(30));
    }

    private static String text(CallToolResult result) {
        return result.content().stream().filter(TextContent.class::isInstance).map(c -> ((TextContent) c).text())
                .collect(Collectors.joining("\n"));
    }

    private static CallToolResult call(String tool, Map<String, Object> arguments) {
        CallToolResult result = client.callTool(CallToolRequest.builder(tool).arguments(arguments).build());
        assertThat(result.isError()).as("%s failed: %s%ngateway stderr:%n%s", tool, result, gatewayStderr).isNotEqualTo(Boolean.TRUE);
        return result;
    }

    @Test
    void initialize_throughGateway_negotiatesLatestVersionAndMergesUpstreamCapabilities() {
        assertThat(init.protocolVersion()).isEqualTo("2025-11-25");
        assertThat(init.serverInfo().name()).isEqualTo("gatekit");
        assertThat(init.capabilities().tools()).isNotNull();
        assertThat(init.capabilities().prompts()).isNotNull();
        assertThat(init.capabilities().resources()).isNotNull();
        assertThat(init.capabilities().logging()).isNotNull();
        assertThat(init.instructions()).contains("everything__");
        assertThat(client.isInitialized()).isTrue();
    }

    @Test
    void listTools_throughGateway_namespacesEveryTool_includingCapabilityGatedOnes() {
        List<Tool> tools = client.listTools().tools();
        assertThat(tools).extracting(Tool::name).allMatch(name -> name.startsWith("everything__"))
                .contains("everything__echo", "everything__trigger-long-running-operation",
                        "everything__trigger-sampling-request", "everything__get-roots-list",
                        "everything__trigger-elicitation-request", "everything__get-structured-content");
        Tool echo = tools.stream().filter(t -> t.name().equals("everything__echo")).findFirst().orElseThrow();
        assertThat(echo.inputSchema()).containsKey("properties");
    }

    @Test
    void callTool_echo_returnsUpstreamAnswer() {
        assertThat(text(call("everything__echo", Map.of("message", "hello from the Java SDK"))))
                .isEqualTo("Echo: hello from the Java SDK");
    }

    @Test
    void callTool_structuredContent_passesTheSdkOutputSchemaValidation() {
        // listTools caches each tool's outputSchema under the gateway's name; callTool then validates the
        // structuredContent against it (and throws if it does not match).
        Tool tool = client.listTools().tools().stream()
                .filter(t -> t.name().equals("everything__get-structured-content")).findFirst().orElseThrow();
        assertThat(tool.outputSchema()).containsKey("properties");
        CallToolResult result = call("everything__get-structured-content", Map.of("location", "Los Angeles"));
        assertThat(result.structuredContent()).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> weather = (Map<String, Object>) result.structuredContent();
        assertThat(weather).containsEntry("conditions", "Sunny / Clear").containsKeys("temperature", "humidity");
    }

    @Test
    void callTool_concurrentFromManyThreads_eachGetsItsOwnAnswer() throws Exception {
        List<Future<String>> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 25; i++) {
                String message = "java-concurrent-" + i;
                answers.add(threads.submit(() -> text(call("everything__echo", Map.of("message", message)))));
            }
        }
        for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("Echo: java-concurrent-" + i);
        }
    }

    @Test
    void callTool_withProgressToken_deliversEveryProgressNotificationUnderTheClientsToken() {
        String token = "java-progress-" + System.nanoTime();
        CallToolResult result = client.callTool(CallToolRequest.builder("everything__trigger-long-running-operation")
                .arguments(Map.of("duration", 1, "steps", 4)).progressToken(token).build());
        assertThat(text(result)).contains("Long running operation completed");
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(progress.stream().filter(p -> token.equals(p.progressToken())).count()).isEqualTo(4));
        List<ProgressNotification> mine = progress.stream().filter(p -> token.equals(p.progressToken())).toList();
        assertThat(mine).extracting(ProgressNotification::progress).containsExactly(1.0, 2.0, 3.0, 4.0);
        assertThat(mine).extracting(ProgressNotification::total).containsOnly(4.0);
    }

    @Test
    void sampling_requestedByServerEverything_isAnsweredByTheJavaHandler() {
        int before = samplingRequests.size();
        String answer = text(call("everything__trigger-sampling-request",
                Map.of("prompt", "say hello to gatekit", "maxTokens", 50)));
        assertThat(answer).contains("java-sampled: Resource trigger-sampling-request context: say hello to gatekit")
                .contains("java-sdk-test-model");
        assertThat(samplingRequests).hasSize(before + 1);
        CreateMessageRequest forwarded = samplingRequests.stream().toList().getLast();
        // The upstream's request reached the client intact.
        assertThat(forwarded.systemPrompt()).isEqualTo("You are a helpful test server.");
        assertThat(forwarded.maxTokens()).isEqualTo(50);
    }

    @Test
    void roots_requestedByServerEverything_areTheJavaClientsRoots_andFollowItsChanges() {
        String answer = text(call("everything__get-roots-list", Map.of()));
        assertThat(answer).contains("Current MCP Roots (1 total)").contains(ROOT_NAME).contains(ROOT_URI);

        // addRoot makes the SDK send notifications/roots/list_changed; the gateway relays it upstream, where
        // server-everything asks for roots/list again and reports it through a logging notification.
        client.addRoot(new Root(SECOND_ROOT_URI, "second-root"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(text(call("everything__get-roots-list", Map.of())))
                        .contains("Current MCP Roots (2 total)").contains(ROOT_URI).contains(SECOND_ROOT_URI));
        assertThat(logs).extracting(LoggingMessageNotification::data)
                .anyMatch(data -> String.valueOf(data).contains("Roots updated: 2 root(s) received from client"));
    }

    @Test
    void prompts_getAndComplete_throughNamespacedPromptNames() {
        assertThat(client.listPrompts().prompts()).extracting(Prompt::name)
                .allMatch(name -> name.startsWith("everything__"))
                .contains("everything__simple-prompt", "everything__args-prompt", "everything__completable-prompt");
        GetPromptResult prompt = client.getPrompt(GetPromptRequest.builder("everything__args-prompt").arguments(Map.of("city", "Paris")).build());
        assertThat(prompt.messages()).extracting(m -> ((TextContent) m.content()).text()).contains("What's weather in Paris?");
        CompleteResult completion = client.completeCompletion(CompleteRequest.builder(
                new PromptReference("everything__completable-prompt"), new CompleteRequest.CompleteArgument("department", "Eng")).build());
        assertThat(completion.completion().values()).containsExactly("Engineering");
    }

    @Test
    void resources_whatTheClientListsItCanRead() {
        List<Resource> resources = client.listResources().resources();
        assertThat(resources).isNotEmpty();
        Resource first = resources.getFirst();
        ReadResourceResult read = client.readResource(first);
        assertThat(read.contents()).singleElement().isInstanceOfSatisfying(TextResourceContents.class,
                contents -> assertThat(contents.text()).isNotBlank());
    }

    @Test
    void elicitation_formFromServerEverything_isAcceptedByTheJavaHandler() {
        int before = elicitationRequests.size();
        String answer = text(call("everything__trigger-elicitation-request", Map.of()));
        assertThat(answer).contains("User provided the requested information").contains("- Name: Gatekit Java")
                .contains("- Email: java@example.com").contains("- Favorite Integer: 7");
        assertThat(elicitationRequests).hasSize(before + 1);
        ElicitFormRequest forwarded = elicitationRequests.stream().toList().getLast();
        assertThat(forwarded.message()).isEqualTo("Please provide inputs for the following fields:");
        assertThat(forwarded.requestedSchema()).containsKey("properties");
    }

    @Test
    void ping_isAnsweredByTheGateway() {
        assertThat(client.ping()).isNotNull();
    }

    @Test
    void callTool_unknownUpstream_failsWithTheGatewaysExplanation() {
        McpError error = catchThrowableOfType(McpError.class,
                () -> client.callTool(CallToolRequest.builder("nosuch__echo").arguments(Map.of("message", "x")).build()));
        assertThat(error).isNotNull();
        assertThat(error.getJsonRpcError().code()).isEqualTo(-32602);
        assertThat(error.getJsonRpcError().message()).contains("no upstream named 'nosuch'").contains("everything");
        // The session survives the error.
        assertThat(text(call("everything__echo", Map.of("message", "still here")))).isEqualTo("Echo: still here");
    }

    @Test
    void closeGracefully_stopsTheGatewayAndItsUpstream() {
        StringBuffer stderr = new StringBuffer();
        Set<ProcessHandle> before = ProcessHandle.current().children().collect(Collectors.toSet());
        McpSyncClient own = sdkClient(dir.resolve("gatekit.yaml"), stderr).build();
        try {
            own.initialize();
            ProcessHandle ownGateway = ProcessHandle.current().children().filter(p -> !before.contains(p))
                    .findFirst().orElseThrow();
            try (ProcessTree tree = ProcessTree.watch(ownGateway)) {
                assertThat(text(own.callTool(CallToolRequest.builder("everything__echo").arguments(Map.of("message", "bye")).build())))
                        .isEqualTo("Echo: bye");
                tree.record();
                assertThat(tree.describeSeen()).as("the gateway's upstream").anyMatch(p -> p.contains("server-everything"));
                own.closeGracefully(); // SIGTERM to the gateway, per the SDK
                assertThat(tree.survivorsAfter(Duration.ofSeconds(15)))
                        .as("processes alive after closeGracefully; gateway stderr:%n%s", stderr).isEmpty();
            }
        } finally {
            own.close();
        }
    }
}
