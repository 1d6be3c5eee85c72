package io.gatekit.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.config.PluginCheck;
import io.gatekit.config.PluginEntry;
import io.gatekit.config.SourceLocation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import io.gatekit.config.ConfigLoader;
import io.gatekit.config.GatewayConfig;
import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The Python original's own configuration files and sample entries load here unchanged, and run. */
class PythonConfigsTest {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    /** Where the auditing samples' files go (they are opened when the plugin starts). */
    @TempDir
    Path directory;

    private static String resource(String path) throws IOException {
        try (InputStream in = PythonConfigsTest.class.getResourceAsStream("/python-configs/" + path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tool_manager/minimal", "tool_manager/typical", "tool_manager/edge", "call_trace/minimal",
            "call_trace/typical", "call_trace/edge", "audit_jsonl/minimal", "audit_jsonl/typical", "audit_jsonl/edge",
            "audit_csv/minimal", "audit_csv/typical", "audit_csv/edge", "audit_human_readable/minimal",
            "audit_human_readable/typical", "audit_human_readable/edge", "basic_pii_filter/minimal",
            "basic_pii_filter/typical", "basic_pii_filter/edge", "basic_secrets_filter/minimal",
            "basic_secrets_filter/typical", "basic_secrets_filter/edge", "basic_prompt_injection_defense/minimal",
            "basic_prompt_injection_defense/typical", "basic_prompt_injection_defense/edge"})
    void theOriginalsSampleEntryPassesTheCheckAndStarts(String sample) throws IOException {
        JsonNode golden = YAML.readTree(resource("golden/" + sample + ".yaml"));
        String handler = golden.get("handler").stringValue();
        PluginRegistry registry = PluginRegistry.builtIn();
        PluginFactory factory = registry.factory(handler);
        assertThat(factory).as(handler).isNotNull();
        PluginEntry entry = new PluginEntry(golden.get("category").stringValue(), "filesystem", handler,
                golden.get("config"), new SourceLocation(sample + ".yaml", 1, 1, "config"));

        assertThat(registry.check(entry)).extracting(PluginCheck.Issue::message).isEmpty();
        JsonNode options = golden.get("config");
        try (Plugin plugin = factory.create(new PluginSetup(options, "filesystem", directory,
                PluginSettings.of(options, factory), new SharedResources()))) {
            assertThat(plugin).isNotNull();
        }
    }

    /**
     * The file the original's guided setup writes (call_trace + audit_jsonl, file logging) loads unchanged, and its
     * plugins run as written: the only change for the run is the upstream list (its npx servers need the network),
     * swapped for the demo server.
     */
    @Test
    void theGuidedSetupFileLoadsUnchangedAndItsPluginsRun() throws Exception {
        String file = resource("guided-setup.yaml");
        Path config = directory.resolve("gatekit.yaml");
        Files.writeString(config, file);
        GatewayConfig loaded = ConfigLoader.load(config, Map.copyOf(System.getenv()), PluginRegistry.builtIn());
        assertThat(loaded.proxy().upstreams()).extracting(u -> u.name()).containsExactly("filesystem", "everything");
        assertThat(loaded.plugins().entries("middleware", "_global")).extracting(PluginEntry::handler).containsExactly("call_trace");

        String plugins = file.substring(file.indexOf("plugins:"), file.indexOf("logging:"));
        String runnable = """
                proxy:
                  transport: stdio
                  upstreams:
                    - name: filesystem
                      command: %DEMO%
                """ + plugins;
        Path audit = directory.resolve("logs/gatekit_audit.jsonl");
        try (GatewayFixture fixture = GatewayFixture.start(runnable.replace("logs/gatekit_audit.jsonl", audit.toString()),
                PluginRegistry.builtIn())) {
            TestClient client = fixture.connect();
            client.initialize(null);
            JsonNode answer = client.call("tools/call", TestClient.toolCall("filesystem__echo", "message", "hello"));
            assertThat(TestClient.text(answer)).isEqualTo("hello");
            assertThat(answer.path("result").path("content").toString()).contains("Gatekit trace");
        }
        // The gateway is closed: every record is on disk (call_trace modified the answer, and the record says so).
        List<String> lines = Files.readAllLines(audit);
        assertThat(lines).anyMatch(l -> l.contains("\"event_type\":\"REQUEST\"") && l.contains("tools/call"));
        assertThat(lines).anyMatch(l -> l.contains("\"event_type\":\"RESPONSE_MODIFIED\"") && l.contains("tools/call"));
    }
}
