package io.gatekit.plugins.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.config.PluginCheck;
import io.gatekit.config.PluginEntry;
import io.gatekit.config.SourceLocation;
import io.gatekit.plugins.Plugin;
import io.gatekit.plugins.PluginFactory;
import io.gatekit.plugins.PluginRegistry;
import io.gatekit.plugins.PluginSettings;
import io.gatekit.plugins.PluginSetup;
import io.gatekit.plugins.SharedResources;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The Python original's own sample entries for the middleware and auditing handlers load here unchanged. */
class GoldenConfigsTest {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    /** Where the auditing samples' files go (they are opened when the plugin starts). */
    @TempDir
    Path directory;

    private static String resource(String path) throws IOException {
        try (InputStream in = GoldenConfigsTest.class.getResourceAsStream("/python-configs/" + path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tool_manager/minimal", "tool_manager/typical", "tool_manager/edge", "call_trace/minimal",
            "call_trace/typical", "call_trace/edge", "audit_jsonl/minimal", "audit_jsonl/typical", "audit_jsonl/edge",
            "audit_csv/minimal", "audit_csv/typical", "audit_csv/edge", "audit_human_readable/minimal",
            "audit_human_readable/typical", "audit_human_readable/edge"})
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
}
