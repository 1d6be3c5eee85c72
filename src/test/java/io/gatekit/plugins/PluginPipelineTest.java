package io.gatekit.plugins;

import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gatekit.config.ConfigException;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.jsonrpc.RawJson;
import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The plugin pipeline end to end, with plugins written for the test: order by priority, each plugin seeing the
 * previous one's output, blocks, completions, failures critical and not, contract breaches, per-upstream scopes,
 * responses and notifications, auditing, raw pass-through, and reload.
 */
class PluginPipelineTest {

    /** Middleware that appends its {@code tag} option to an echo call's message. */
    private static final TestPluginFactory TAG = TestPluginFactory.of("tag", PluginKind.MIDDLEWARE, setup -> {
        String tag = setup.options().path("tag").asString("");
        return new MiddlewarePlugin() {
            @Override
            public PluginDecision onRequest(Request request, PluginContext context) {
                if (!request.method().equals("tools/call")) {
                    return PluginDecision.pass();
                }
                ObjectNode params = (ObjectNode) request.params().deepCopy();
                ObjectNode args = (ObjectNode) params.get("arguments");
                args.put("message", args.path("message").asString("") + tag);
                return PluginDecision.modify(request.withParams(params), "tagged " + tag);
            }
        };
    });

    /** Security that blocks requests whose message contains {@code word}, and responses whose text does. */
    private static final TestPluginFactory DENY = TestPluginFactory.of("deny", PluginKind.SECURITY, setup -> {
        String word = setup.options().path("word").asString("forbidden");
        return new SecurityPlugin() {
            @Override
            public PluginDecision onRequest(Request request, PluginContext context) {
                return request.params() != null && request.params().toString().contains(word)
                        ? PluginDecision.block("contains " + word) : PluginDecision.allow("clean");
            }

            @Override
            public PluginDecision onResponse(Request request, Response response, PluginContext context) {
                return response.result() != null && response.result().toString().contains(word)
                        ? PluginDecision.block("response leaks") : PluginDecision.allow();
            }

            @Override
            public PluginDecision onNotification(Notification notification, PluginContext context) {
                return notification.method().equals("notifications/progress") ? PluginDecision.block("no progress")
                        : PluginDecision.allow();
            }
        };
    });

    private static final TestPluginFactory BOOM = TestPluginFactory.of("boom", PluginKind.MIDDLEWARE,
            setup -> new MiddlewarePlugin() {
                @Override
                public PluginDecision onRequest(Request request, PluginContext context) {
                    throw new IllegalStateException("kaboom");
                }
            });

    /** Middleware that breaks its contract by allowing. */
    private static final TestPluginFactory LIAR = TestPluginFactory.of("liar", PluginKind.MIDDLEWARE,
            setup -> new MiddlewarePlugin() {
                @Override
                public PluginDecision onRequest(Request request, PluginContext context) {
                    return PluginDecision.allow("not mine to say");
                }
            });

    /** Middleware that answers calls to the tool {@code canned} itself, and upper-cases echo results. */
    private static final TestPluginFactory CANNED = TestPluginFactory.of("canned", PluginKind.MIDDLEWARE,
            setup -> new MiddlewarePlugin() {
                @Override
                public PluginDecision onRequest(Request request, PluginContext context) {
                    if (request.method().equals("tools/call") && request.params().path("name").asString("").equals("canned")) {
                        ObjectNode result = TestClient.object();
                        result.putArray("content").addObject().put("type", "text").put("text", "from the plugin");
                        return PluginDecision.complete(Response.success(null, result), "answered");
                    }
                    return PluginDecision.pass();
                }

                @Override
                public PluginDecision onResponse(Request request, Response response, PluginContext context) {
                    if (!request.method().equals("tools/call") || response.isError()) {
                        return PluginDecision.pass();
                    }
                    ObjectNode result = (ObjectNode) response.successResult().deepCopy();
                    ObjectNode first = (ObjectNode) result.path("content").path(0);
                    first.put("text", first.path("text").asString("").toUpperCase(java.util.Locale.ROOT));
                    return PluginDecision.modify(Response.success(response.id(), result), "shouted");
                }
            });

    @Test
    void filtersRunByPriorityEachSeeingThePreviousOutput() {
        String yaml = config("""
                  middleware:
                    _global:
                      - handler: tag
                        config: {tag: "-second", priority: 60}
                      - handler: tag
                        config: {tag: "-first", priority: 10}
                      - handler: tag
                        config: {tag: "-third"}
                """);
        // Two entries of one handler in one scope are both kept (the later with priority 50 runs between).
        try (GatewayFixture fixture = GatewayFixture.start(yaml, registry(TAG))) {
            TestClient client = ready(fixture);
            assertThat(TestClient.text(client.call("tools/call", toolCall("demo__echo", "message", "m"))))
                    .isEqualTo("m-first-third-second");
        }
    }

    @Test
    void aSecurityBlockAnswersWithItsReasonAndTheUpstreamNeverSeesTheCall() {
        List<AuditEvent> events = new ArrayList<>();
        try (GatewayFixture fixture = GatewayFixture.start(config("""
                  security:
                    _global:
                      - handler: deny
                        config: {word: forbidden}
                  auditing:
                    _global:
                      - handler: record
                """), registry(DENY, recorder(events)))) {
            TestClient client = ready(fixture);
            JsonNode refused = client.call("tools/call", toolCall("demo__echo", "message", "a forbidden word"));
            assertThat(refused.path("error").path("code").asInt()).isEqualTo(-32010);
            assertThat(refused.path("error").path("message").asString()).contains("deny").contains("contains forbidden");
            assertThat(refused.path("error").path("data").path("plugin").asString()).isEqualTo("deny");
            assertThat(TestClient.text(client.call("tools/call", toolCall("demo__echo", "message", "fine")))).isEqualTo("fine");
            synchronized (events) {
                AuditEvent blocked = events.stream().filter(e -> e.type() == AuditEvent.Type.REQUEST
                        && e.pipeline().outcome() == PipelineOutcome.BLOCKED).findFirst().orElseThrow();
                assertThat(blocked.pipeline().contentCleared()).isTrue();
                assertThat(blocked.tool()).isEqualTo("echo");
                assertThat(blocked.upstream()).isEqualTo("demo");
            }
        }
    }

    @Test
    void aResponseCanBeBlockedOrModifiedAndARequestCompletedByAPlugin() {
        try (GatewayFixture fixture = GatewayFixture.start(config("""
                  security:
                    _global:
                      - handler: deny
                        config: {word: QUIET}
                  middleware:
                    _global:
                      - handler: canned
                        config: {priority: 10}
                """), registry(DENY, CANNED))) {
            TestClient client = ready(fixture);
            // canned (priority 10) shouts the answer before deny (50) looks at it, on the way back as on the way in.
            assertThat(TestClient.text(client.call("tools/call", toolCall("demo__echo", "message", "loud")))).isEqualTo("LOUD");
            JsonNode blocked = client.call("tools/call", toolCall("demo__echo", "message", "quiet"));
            assertThat(blocked.path("error").path("code").asInt()).isEqualTo(-32010);
            assertThat(blocked.path("error").path("message").asString()).startsWith("Response blocked by deny");
            // A tool the upstream does not have, answered by the plugin: no upstream call, and its answer is final.
            assertThat(TestClient.text(client.call("tools/call", toolCall("demo__canned")))).isEqualTo("from the plugin");
        }
    }

    @Test
    void aFailingCriticalPluginFailsClosedAndANonCriticalOneIsSkipped() {
        try (GatewayFixture fixture = GatewayFixture.start(config("""
                  middleware:
                    _global:
                      - handler: boom
                """), registry(BOOM))) {
            JsonNode failed = ready(fixture).call("tools/call", toolCall("demo__echo", "message", "x"));
            assertThat(failed.path("error").path("code").asInt()).isEqualTo(-32011);
            assertThat(failed.path("error").path("message").asString()).contains("boom").contains("kaboom");
        }
        try (GatewayFixture fixture = GatewayFixture.start(config("""
                  middleware:
                    _global:
                      - handler: boom
                        config: {critical: false}
                """), registry(BOOM))) {
            assertThat(TestClient.text(ready(fixture).call("tools/call", toolCall("demo__echo", "message", "x")))).isEqualTo("x");
        }
    }

    @Test
    void aMiddlewareThatAllowsBreaksItsContract() {
        try (GatewayFixture fixture = GatewayFixture.start(config("""
                  middleware:
                    _global:
                      - handler: liar
                """), registry(LIAR))) {
            JsonNode failed = ready(fixture).call("tools/call", toolCall("demo__echo", "message", "x"));
            assertThat(failed.path("error").path("code").asInt()).isEqualTo(-32011);
            assertThat(failed.path("error").path("message").asString()).contains("contract");
        }
    }

    @Test
    void anUpstreamEntryReplacesTheGlobalOneOfItsHandlerAndCanDisableIt() {
        String yaml = """
                proxy:
                  transport: stdio
                  upstreams:
                    - name: demo
                      command: %DEMO%
                    - name: other
                      command: %DEMO%
                    - name: third
                      command: %DEMO%
                plugins:
                  middleware:
                    _global:
                      - handler: tag
                        config: {tag: "-global"}
                    other:
                      - handler: tag
                        config: {tag: "-own"}
                    third:
                      - handler: tag
                        config: {enabled: false}
                """;
        try (GatewayFixture fixture = GatewayFixture.start(yaml, registry(TAG))) {
            TestClient client = ready(fixture);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fixture.gateway.upstreams().stream()
                    .allMatch(u -> u.state() == io.gatekit.upstream.Upstream.State.READY));
            assertThat(TestClient.text(client.call("tools/call", toolCall("demo__echo", "message", "m")))).isEqualTo("m-global");
            assertThat(TestClient.text(client.call("tools/call", toolCall("other__echo", "message", "m")))).isEqualTo("m-own");
            assertThat(TestClient.text(client.call("tools/call", toolCall("third__echo", "message", "m")))).isEqualTo("m");
        }
    }

    @Test
    void progressNotificationsMeetTheFilters() {
        try (GatewayFixture fixture = GatewayFixture.start(config("""
                  security:
                    _global:
                      - handler: deny
                """), registry(DENY))) {
            TestClient client = ready(fixture);
            ObjectNode params = toolCall("demo__sleep", "ms", 50, "steps", 3);
            params.putObject("_meta").put("progressToken", "p1");
            JsonNode done = client.call("tools/call", params);
            assertThat(done.has("result")).isTrue();
            assertThat(client.notifications).noneMatch(n -> n.path("method").asString().equals("notifications/progress"));
        }
    }

    @Test
    void aPluginThatReadsNoBodiesLeavesArgumentsRawAndAuditorsSeeEveryCall() {
        AtomicInteger raw = new AtomicInteger();
        AtomicInteger trees = new AtomicInteger();
        TestPluginFactory probe = TestPluginFactory.of("probe", PluginKind.MIDDLEWARE, setup -> new MiddlewarePlugin() {
            @Override
            public boolean readsBodies(String method) {
                return false;
            }

            @Override
            public PluginDecision onRequest(Request request, PluginContext context) {
                JsonNode arguments = request.params() == null ? null : request.params().get("arguments");
                if (arguments != null) {
                    (RawJson.isRaw(arguments) ? raw : trees).incrementAndGet();
                }
                return PluginDecision.pass();
            }
        });
        Queue<AuditEvent> events = new ConcurrentLinkedQueue<>();
        try (GatewayFixture fixture = GatewayFixture.start(config("""
                  middleware:
                    _global:
                      - handler: probe
                  auditing:
                    _global:
                      - handler: record
                """), registry(probe, recorder(events)))) {
            TestClient client = ready(fixture);
            List<String> answers = client.echoBurst("demo__echo", "n", 50, Duration.ofSeconds(30));
            assertThat(answers).hasSize(50);
            assertThat(raw.get()).isEqualTo(50);
            assertThat(trees.get()).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                    .filter(e -> e.type() == AuditEvent.Type.RESPONSE && e.method().equals("tools/call")).count() == 50);
            assertThat(events.stream().filter(e -> e.type() == AuditEvent.Type.REQUEST && e.method().equals("tools/call")))
                    .hasSize(50).allMatch(e -> e.pipeline().outcome() == PipelineOutcome.NO_SECURITY_EVALUATION);
        }
    }

    @Test
    void reloadSwapsThePluginsAndClosesTheRetiredOnes() {
        AtomicBoolean firstClosed = new AtomicBoolean();
        AtomicInteger made = new AtomicInteger();
        TestPluginFactory tagged = TestPluginFactory.of("tag", PluginKind.MIDDLEWARE, setup -> {
            made.incrementAndGet();
            Plugin inner = TAG.create(setup);
            String tag = setup.options().path("tag").asString("");
            return new MiddlewarePlugin() {
                @Override
                public PluginDecision onRequest(Request request, PluginContext context) {
                    return ((MiddlewarePlugin) inner).onRequest(request, context);
                }

                @Override
                public void close() {
                    if (tag.equals("-one")) {
                        firstClosed.set(true);
                    }
                }
            };
        });
        PluginRegistry registry = registry(tagged);
        try (GatewayFixture fixture = GatewayFixture.start(config("""
                  middleware:
                    _global:
                      - handler: tag
                        config: {tag: "-one"}
                """), registry)) {
            TestClient client = ready(fixture);
            assertThat(TestClient.text(client.call("tools/call", toolCall("demo__echo", "message", "m")))).isEqualTo("m-one");
            fixture.gateway.reload(GatewayFixture.config(config("""
                      middleware:
                        _global:
                          - handler: tag
                            config: {tag: "-two"}
                    """), registry));
            assertThat(TestClient.text(client.call("tools/call", toolCall("demo__echo", "message", "m")))).isEqualTo("m-two");
            assertThat(firstClosed).isTrue();
            // An unchanged entry keeps its instance across a reload.
            int before = made.get();
            fixture.gateway.reload(GatewayFixture.config(config("""
                      middleware:
                        _global:
                          - handler: tag
                            config: {tag: "-two"}
                    """), registry));
            assertThat(made.get()).isEqualTo(before);
        }
    }

    /** Security that refuses sampling and rewrites (redacts) what a client's model answers. */
    private static final TestPluginFactory SAMPLING_GUARD = TestPluginFactory.of("sampling_guard", PluginKind.SECURITY,
            setup -> new SecurityPlugin() {
                @Override
                public PluginDecision onRequest(Request request, PluginContext context) {
                    boolean refused = request.method().equals("sampling/createMessage")
                            && request.params().toString().contains("refuse me");
                    return refused ? PluginDecision.block("no sampling of that") : PluginDecision.allow();
                }

                @Override
                public PluginDecision onResponse(Request request, Response response, PluginContext context) {
                    if (!request.method().equals("sampling/createMessage") || response.isError()) {
                        return PluginDecision.allow();
                    }
                    ObjectNode result = (ObjectNode) response.successResult().deepCopy();
                    ((ObjectNode) result.get("content")).put("text", "[redacted]");
                    return PluginDecision.modify(Response.success(response.id(), result), "redacted the model");
                }
            });

    @Test
    void serverToClientRequestsAndTheirAnswersMeetTheUpstreamsFilters() {
        try (GatewayFixture fixture = GatewayFixture.start(config("""
                  security:
                    _global:
                      - handler: sampling_guard
                """), registry(SAMPLING_GUARD))) {
            TestClient client = fixture.connect();
            AtomicInteger asked = new AtomicInteger();
            client.onServerRequest(request -> {
                asked.incrementAndGet();
                ObjectNode result = TestClient.object();
                result.put("role", "assistant").put("model", "test");
                result.putObject("content").put("type", "text").put("text", "the model's secret answer");
                return result;
            });
            ObjectNode capabilities = TestClient.object();
            capabilities.putObject("sampling");
            client.initialize(capabilities);
            assertThat(TestClient.text(client.call("tools/call", toolCall("demo__sample", "prompt", "hello"))))
                    .isEqualTo("[redacted]");
            assertThat(asked.get()).isEqualTo(1);
            JsonNode refused = client.call("tools/call", toolCall("demo__sample", "prompt", "refuse me"));
            assertThat(refused.toString()).contains("no sampling of that");
            assertThat(asked.get()).as("the blocked request never reached the client").isEqualTo(1);
        }
    }

    @Test
    void configProblemsNameTheEntryTheFieldAndASuggestion() {
        TestPluginFactory strict = new TestPluginFactory("strict_one", PluginKind.SECURITY, """
                {"additionalProperties": false, "properties": {"action": {"enum": ["block", "redact"]}}}""", false,
                setup -> new SecurityPlugin() {});
        TestPluginFactory scoped = new TestPluginFactory("per_upstream", PluginKind.MIDDLEWARE, "{}", true,
                setup -> new MiddlewarePlugin() {});
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> GatewayFixture.config(config("""
                  security:
                    _global:
                      - handler: strict_on
                      - handler: strict_one
                        config:
                          actoin: block
                      - handler: strict_one
                        config:
                          action: shout
                          priority: 500
                  middleware:
                    _global:
                      - handler: per_upstream
                      - handler: strict_one
                """), registry(strict, scoped)));
        assertThat(e).isNotNull();
        String report = e.getMessage();
        assertThat(report).contains("unknown plugin handler 'strict_on'; did you mean 'strict_one'?");
        assertThat(report).containsPattern("test.yaml:\\d+:\\d+: plugins.security._global\\[1\\].config.actoin: unknown option 'actoin' for strict_one; did you mean 'action'\\?");
        assertThat(report).contains("plugins.security._global[2].config.action");
        assertThat(report).contains("plugins.security._global[2].config.priority");
        assertThat(report).contains("'per_upstream' configures one upstream at a time");
        assertThat(report).contains("'strict_one' is a security plugin: list it under plugins.security");
        assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(6);
    }

    private static TestPluginFactory recorder(java.util.Collection<AuditEvent> events) {
        return TestPluginFactory.of("record", PluginKind.AUDITING, setup -> new AuditingPlugin() {
            @Override
            public boolean readsBodies(String method) {
                return false;
            }

            @Override
            public void record(AuditEvent event) {
                synchronized (events) {
                    events.add(event);
                }
            }
        });
    }

    private static PluginRegistry registry(PluginFactory... factories) {
        return PluginRegistry.of(List.of(factories));
    }

    private static String config(String plugins) {
        return """
                proxy:
                  transport: stdio
                  upstreams:
                    - name: demo
                      command: %DEMO%
                plugins:
                """ + plugins.stripIndent().indent(2);
    }

    private static TestClient ready(GatewayFixture fixture) {
        TestClient client = fixture.connect();
        client.initialize(null);
        return client;
    }
}
