package io.gatekit.config;

import static io.gatekit.config.ConfigTesting.BASE;
import static io.gatekit.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    /** Inventory §3.2, the annotated Python Gatekit example. */
    static final String PYTHON_EXAMPLE = """
            proxy:
              transport: stdio                 # client-facing; only stdio works
              hot_reload: disabled             # auto | enabled | disabled  [v0.2]
              timeouts:
                connection_timeout: 60         # parsed, unused
                request_timeout: 60            # per upstream request, seconds
              upstreams:
                - name: filesystem             # tools exposed as filesystem__<tool>
                  command: ["npx", "-y", "@modelcontextprotocol/server-filesystem", "~/docs"]
                  sandbox:                     # [v0.3] stdio only, opt-in
                    enabled: true
                    paths: ["~/docs"]          # read-write; no globs
                    network: false             # loopback only
                - name: github
                  command: ["npx", "-y", "@modelcontextprotocol/server-github"]   # env comes from the gateway process
                  enabled: true                # [v0.2]
                - name: remote_api             # [v0.2] Streamable HTTP upstream
                  transport: http
                  url: "https://api.example.com/mcp"
                  tls_verify: true             # bool only; no custom CA, no auth headers

            plugins:
              middleware:
                filesystem:                    # tool_manager is server_aware -> never in _global
                  - handler: tool_manager
                    config: {enabled: true, priority: 10,
                             tools: [{tool: read_file}, {tool: list_directory, display_name: ls,
                                      display_description: "List files"}]}
                _global:
                  - handler: call_trace
                    config: {enabled: true, critical: false, max_param_length: 200}  # priority defaults to 90
              security:
                _global:
                  - handler: basic_secrets_filter
                    config: {enabled: true, priority: 20, action: redact}
                  - handler: basic_pii_filter
                    config: {enabled: true, priority: 30, action: redact,
                             pii_types: {ip_address: {enabled: false}}}
                github:                        # overrides the global entry with the same handler
                  - handler: basic_pii_filter
                    config: {enabled: true, action: block}
              auditing:
                _global:                       # run in definition order
                  - handler: audit_jsonl
                    config: {enabled: true, output_file: logs/audit.jsonl, include_request_body: true,
                             max_body_size: 10240}
                  - handler: token_usage       # [v0.2], critical defaults to false
                    config: {enabled: true, output_file: logs/token_usage.csv,
                             state_file: logs/token_usage_state.json}

            logging:
              level: INFO
              handlers: ["file"]               # guided setup default; stderr breaks Windsurf on Windows
              file_path: logs/gatekit.log
              max_file_size_mb: 10
              backup_count: 5
            """;

    @Test
    void parse_pythonGatekitExample_bindsEveryUpstream() {
        GatewayConfig config = parse(PYTHON_EXAMPLE);

        ProxyConfig proxy = config.proxy();
        assertThat(proxy.transport()).isEqualTo(ClientTransport.STDIO);
        assertThat(proxy.hotReload()).isEqualTo(HotReload.DISABLED);
        assertThat(proxy.upstreams()).extracting(UpstreamConfig::name)
                .containsExactly("filesystem", "github", "remote_api");
        UpstreamConfig filesystem = proxy.upstreams().get(0);
        assertThat(filesystem.transport()).isEqualTo(UpstreamTransport.STDIO);
        assertThat(filesystem.command())
                .containsExactly("npx", "-y", "@modelcontextprotocol/server-filesystem", "~/docs");
        assertThat(filesystem.sandbox()).isEqualTo(new SandboxConfig(true,
                List.of(Path.of(System.getProperty("user.home"), "docs")), false, List.of(), OptionalInt.empty(),
                OptionalInt.empty()));
        assertThat(proxy.upstreams().get(1).sandbox()).isEqualTo(SandboxConfig.OFF);
        UpstreamConfig remote = proxy.upstreams().get(2);
        assertThat(remote.transport()).isEqualTo(UpstreamTransport.HTTP);
        assertThat(remote.url()).contains(URI.create("https://api.example.com/mcp"));
        assertThat(remote.command()).isEmpty();
        assertThat(remote.tlsVerify()).isTrue();
    }

    @Test
    void parse_pythonGatekitExample_capturesPluginsInOrderWithLocations() {
        PluginsConfig plugins = parse(PYTHON_EXAMPLE).plugins();

        assertThat(plugins.entries("security", "_global")).extracting(PluginEntry::handler)
                .containsExactly("basic_secrets_filter", "basic_pii_filter");
        assertThat(plugins.entries("auditing", "_global")).extracting(PluginEntry::handler)
                .containsExactly("audit_jsonl", "token_usage");
        PluginEntry override = plugins.entries("security", "github").getFirst();
        assertThat(override.config().get("action").asString()).isEqualTo("block");
        assertThat(override.location())
                .isEqualTo(new SourceLocation("test.yaml", 40, 9, "plugins.security.github[0]"));
        PluginEntry toolManager = plugins.entries("middleware", "filesystem").getFirst();
        assertThat(toolManager.config().get("tools").size()).isEqualTo(2);
        assertThat(toolManager.kind()).isEqualTo("middleware");
        assertThat(toolManager.scope()).isEqualTo("filesystem");
    }

    @Test
    void parse_pythonGatekitExample_resolvesLogFileAgainstBaseDir() {
        LoggingConfig logging = parse(PYTHON_EXAMPLE).logging();

        assertThat(logging.level()).isEqualTo("INFO");
        assertThat(logging.handlers()).containsExactly(LogHandler.FILE);
        assertThat(logging.filePath()).contains(BASE.resolve("logs/gatekit.log"));
    }

    @Test
    void parse_minimalConfig_appliesDefaults() {
        GatewayConfig config = parse("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: everything
                      command: npx -y @modelcontextprotocol/server-everything
                """);

        ProxyConfig proxy = config.proxy();
        assertThat(proxy.hotReload()).isEqualTo(HotReload.DISABLED);
        assertThat(proxy.http()).isEmpty();
        assertThat(proxy.timeouts()).isEqualTo(new TimeoutsConfig(Duration.ofSeconds(60), Duration.ofSeconds(60)));
        assertThat(proxy.limits()).isEqualTo(new LimitsConfig(16_777_216, 100, 10_000, 1000, 1000, Optional.empty(), Map.of(), 64));
        UpstreamConfig upstream = proxy.upstreams().getFirst();
        assertThat(upstream.command()).containsExactly("npx", "-y", "@modelcontextprotocol/server-everything");
        assertThat(upstream).extracting(UpstreamConfig::enabled, UpstreamConfig::transport,
                        UpstreamConfig::maxInFlight, UpstreamConfig::restartOnFailure,
                        UpstreamConfig::maxRestartAttempts, UpstreamConfig::tlsVerify)
                .containsExactly(true, UpstreamTransport.STDIO, 100, true, 0, true);
        assertThat(upstream.env()).isEmpty();
        assertThat(upstream.cwd()).isEmpty();
        assertThat(upstream.serverIdentity()).isEmpty();
        assertThat(config.logging()).isEqualTo(LoggingConfig.defaults());
        assertThat(config.logging().handlers()).containsExactly(LogHandler.STDERR);
        assertThat(config.plugins()).isEqualTo(PluginsConfig.empty());
        assertThat(config.source()).isEmpty();
    }

    @Test
    void parse_everySettingGiven_bindsThem() {
        GatewayConfig config = parse("""
                proxy:
                  transport: http
                  hot_reload: auto
                  http: {host: 0.0.0.0, port: 9090, path: /gateway, auth: {allow_unauthenticated: true}}
                  timeouts: {request_timeout: 2.5, connection_timeout: 10}
                  limits:
                    max_message_bytes: 2048
                    max_in_flight_per_upstream: 7
                    max_in_flight_per_client: 3
                    max_queued_per_upstream: 50
                    rate_limit_per_client: {requests_per_second: 2.5}
                    client_weights: {claude-code: 3}
                  upstreams:
                    - name: one
                      command: [server]
                      max_in_flight_per_tool: {slow_tool: 2}
                      rate_limit: {requests_per_second: 10, burst: 20}
                      env: {PORT: 8080, DEBUG: true, NAME: x}
                      max_restart_attempts: 4
                      restart_on_failure: false
                      server_identity: one-server
                    - name: two
                      enabled: false
                      command: [server]
                      max_in_flight: 2
                      max_queued: 0
                logging: {level: warning, handlers: [stderr]}
                """);

        ProxyConfig proxy = config.proxy();
        assertThat(proxy.http()).contains(new HttpConfig("0.0.0.0", 9090, "/gateway")
                .withAuth(new AuthConfig(java.util.Optional.empty(), java.util.List.of(), true)));
        assertThat(proxy.hotReload()).isEqualTo(HotReload.AUTO);
        assertThat(proxy.timeouts().request()).isEqualTo(Duration.ofMillis(2500));
        assertThat(proxy.timeouts().connection()).isEqualTo(Duration.ofSeconds(10));
        assertThat(proxy.limits()).isEqualTo(new LimitsConfig(2048, 7, 3, 1000, 50,
                Optional.of(new RateLimitConfig(2.5, 3)), Map.of("claude-code", 3), 64));
        UpstreamConfig one = proxy.upstreams().get(0);
        assertThat(one.env()).containsExactlyInAnyOrderEntriesOf(Map.of("PORT", "8080", "DEBUG", "true", "NAME", "x"));
        assertThat(one.maxInFlight()).isEqualTo(7);
        assertThat(one.maxRestartAttempts()).isEqualTo(4);
        assertThat(one.restartOnFailure()).isFalse();
        assertThat(one.serverIdentity()).contains("one-server");
        assertThat(one.limits()).isEqualTo(new UpstreamLimits(7, 50, Map.of("slow_tool", 2),
                Optional.of(new RateLimitConfig(10, 20))));
        assertThat(proxy.upstreams().get(1).limits()).isEqualTo(new UpstreamLimits(2, 0, Map.of(), Optional.empty()));
        assertThat(proxy.enabledUpstreams()).extracting(UpstreamConfig::name).containsExactly("one");
        assertThat(config.logging().level()).isEqualTo("WARN");
    }

    @Test
    void parse_criticalLevel_isStoredAsError() {
        GatewayConfig config = parse(ConfigTesting.withUpstreams("    - {name: a, command: [x]}\n")
                + "logging: {level: CRITICAL}\n");

        assertThat(config.logging().level()).isEqualTo("ERROR");
    }

    @Test
    void parse_singleUpstreamMapping_isNormalisedToList() {
        GatewayConfig config = parse("""
                proxy:
                  transport: stdio
                  upstreams:
                    name: solo
                    command: [server]
                """);

        assertThat(config.proxy().upstreams()).extracting(UpstreamConfig::name).containsExactly("solo");
    }

    @Test
    void parse_relativeAndHomePaths_resolveAgainstBaseDirAndUserHome() {
        GatewayConfig config = parse(ConfigTesting.withUpstreams("""
                    - {name: rel, command: [x], cwd: servers/../work}
                    - {name: abs, command: [x], cwd: /opt/server}
                    - {name: home, command: [x], cwd: ~/mcp}
                """));

        List<UpstreamConfig> upstreams = config.proxy().upstreams();
        assertThat(upstreams.get(0).cwd()).contains(BASE.resolve("work"));
        assertThat(upstreams.get(1).cwd()).contains(BASE.resolve("/opt/server"));
        assertThat(upstreams.get(2).cwd()).contains(Path.of(System.getProperty("user.home"), "mcp"));
    }

    @Test
    void load_file_resolvesRelativeCwdAgainstFileDirectoryAndRecordsSource(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("gatekit.yaml"), ConfigTesting.withUpstreams("""
                    - name: local
                      command: [./server]
                      cwd: tools
                """));

        GatewayConfig config = ConfigLoader.load(file, Map.of());

        assertThat(config.proxy().upstreams().getFirst().cwd()).contains(dir.toAbsolutePath().resolve("tools"));
        assertThat(config.source()).contains(file.toAbsolutePath().normalize());
    }

    @Test
    void load_missingFile_reportsNotFoundWithFileName(@TempDir Path dir) {
        Path file = dir.resolve("absent.yaml");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));

        assertThat(e.getMessage()).isEqualTo(file + ": configuration file not found");
    }

    @Test
    void load_fileWithProblem_namesFileInMessage(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("bad.yaml"),
                "proxy:\n  transport: carrier-pigeon\n  upstreams: [{name: a, command: [x]}]\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));

        assertThat(e.getMessage())
                .isEqualTo(file + ":2:14: proxy.transport: must be one of stdio, http, got \"carrier-pigeon\"");
    }

    @Test
    void loadDefault_withLauncherVariables_startsDemoServer() {
        GatewayConfig config = ConfigLoader.loadDefault(
                Map.of("GATEKIT_JAVA", "/opt/java/bin/java", "GATEKIT_CLASSPATH", "/opt/gatekit/gatekit.jar"));

        assertThat(config.proxy().transport()).isEqualTo(ClientTransport.STDIO);
        assertThat(config.proxy().upstreams()).singleElement().satisfies(demo -> {
            assertThat(demo.name()).isEqualTo("demo");
            assertThat(demo.command()).containsExactly("/opt/java/bin/java", "-cp", "/opt/gatekit/gatekit.jar",
                    "io.gatekit.cli.Main", "demo-server");
        });
        assertThat(config.proxy().timeouts().request()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.logging().level()).isEqualTo("INFO");
        assertThat(config.logging().handlers()).containsExactly(LogHandler.STDERR);
        assertThat(config.source()).isEqualTo(Optional.empty());
    }

    @Test
    void loadDefault_passesTheSchema_whichItsLoadingSkips() {
        Problems problems = new Problems(new SourceMap("default.yaml"));
        tools.jackson.databind.JsonNode root = YamlTreeReader.read(ConfigLoader.defaultText(),
                Map.of("GATEKIT_JAVA", "java", "GATEKIT_CLASSPATH", "gatekit.jar", "GATEKIT_JVM_OPTIONS", "-Xshare:auto"),
                problems);
        assertThat(root).isNotNull();
        Normalizer.normalize(root, problems);

        SchemaCheck.validate(root, problems);

        assertThat(problems.isEmpty()).as("problems: %s", problems.isEmpty() ? "none" : problems.toException().getMessage()).isTrue();
    }

    @Test
    void loadDefault_passesTheLaunchersJvmOptionsToTheDemoServer() {
        Map<String, String> launcher = Map.of("GATEKIT_JAVA", "/opt/java/bin/java", "GATEKIT_CLASSPATH", "/opt/gatekit.jar",
                "GATEKIT_JVM_OPTIONS", "\"-XX:AOTCache=/opt/gatekit-1.aot\"");
        Map<String, String> plain = Map.of("GATEKIT_JAVA", "/opt/java/bin/java", "GATEKIT_CLASSPATH", "/opt/gatekit.jar");

        assertThat(ConfigLoader.loadDefault(launcher).proxy().upstreams().getFirst().env())
                .containsEntry("JDK_JAVA_OPTIONS", "\"-XX:AOTCache=/opt/gatekit-1.aot\"");
        assertThat(ConfigLoader.loadDefault(plain).proxy().upstreams().getFirst().env()).containsEntry("JDK_JAVA_OPTIONS", "");
    }

    @Test
    void loadDefault_withoutVariables_reportsEachMissingOneOnItsLine() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.loadDefault(Map.of()));

        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems()).allSatisfy(p -> {
            assertThat(p.location().file()).isEqualTo("classpath:/io/gatekit/config/default.yaml");
            assertThat(p.location().line()).isGreaterThan(1);
        });
        assertThat(e.problems().get(0).location().field()).isEqualTo("proxy.upstreams[0].command[0]");
        assertThat(e.problems().get(0).message()).contains("'GATEKIT_JAVA' is not defined");
        assertThat(e.problems().get(1).location().field()).isEqualTo("proxy.upstreams[0].command[2]");
        assertThat(e.problems().get(1).message()).contains("'GATEKIT_CLASSPATH' is not defined");
    }
}
