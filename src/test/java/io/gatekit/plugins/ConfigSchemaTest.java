package io.gatekit.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The editor schema is generated from the code, covers every built-in plugin's options, and the copy published in
 * {@code docs/gatekit.schema.json} is the current one (regenerate with {@code ./gatekit schema > docs/gatekit.schema.json}).
 */
class ConfigSchemaTest {
    private static final JsonNode GENERATED = ConfigSchema.generate(PluginRegistry.builtIn());

    @Test
    void thePublishedCopyIsCurrent() throws Exception {
        JsonNode published = JsonMapper.shared().readTree(Files.readString(Path.of("docs/gatekit.schema.json")));
        assertThat(published).as("docs/gatekit.schema.json is stale: ./gatekit schema > docs/gatekit.schema.json")
                .isEqualTo(GENERATED);
    }

    @Test
    void anEditorCatchesAWrongPluginOptionAndAcceptsAGoodOne() {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(GENERATED);
        String good = """
                proxy:
                  transport: stdio
                  upstreams: [{name: files, command: [x]}]
                plugins:
                  security:
                    _global:
                      - handler: basic_pii_filter
                        config: {action: block, priority: 10}
                """;
        assertThat(schema.validate(YAMLMapper.builder().build().readTree(good))).isEmpty();
        String bad = good.replace("action: block", "action: shout");
        assertThat(schema.validate(YAMLMapper.builder().build().readTree(bad))).isNotEmpty();
        assertThat(GENERATED.path("$defs").path("pluginEntry").path("properties").path("handler").path("enum").toString())
                .contains("basic_pii_filter", "basic_secrets_filter", "basic_prompt_injection_defense", "tool_manager",
                        "call_trace", "audit_jsonl", "audit_csv", "audit_human_readable", "token_usage");
    }
}
