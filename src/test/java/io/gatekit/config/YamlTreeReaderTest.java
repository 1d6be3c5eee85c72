package io.gatekit.config;

import static io.gatekit.config.ConfigTesting.parse;
import static io.gatekit.config.ConfigTesting.problems;
import static io.gatekit.config.ConfigTesting.withUpstreams;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class YamlTreeReaderTest {

    private static JsonNode read(String yaml, Problems problems) {
        return YamlTreeReader.read(yaml, Map.of(), problems);
    }

    @Test
    void read_nestedValues_recordsKeyAndValuePositions() {
        Problems problems = new Problems(new SourceMap("t.yaml"));
        read("""
                proxy:
                  upstreams:
                    - name: a
                      command: [npx, server]
                """, problems);

        SourceMap map = problems.map();
        assertThat(map.key(FieldPath.of("proxy", "upstreams"))).hasToString("t.yaml:2:3 (proxy.upstreams)");
        assertThat(map.value(FieldPath.of("proxy", "upstreams", 0, "command", 1)))
                .hasToString("t.yaml:4:22 (proxy.upstreams[0].command[1])");
        assertThat(map.value(FieldPath.of("proxy", "upstreams", 0, "missing")))
                .hasToString("t.yaml:3:7 (proxy.upstreams[0].missing)");
    }

    @Test
    void parse_aliasOfAnchoredPluginConfig_isExpanded() {
        GatewayConfig config = parse(withUpstreams("    - {name: a, command: [x]}\n") + """
                plugins:
                  security:
                    _shared: &redact {enabled: true, action: redact}
                    _global:
                      - handler: basic_secrets_filter
                        config: *redact
                      - handler: basic_pii_filter
                        config:
                          <<: *redact
                          action: block
                """);

        List<PluginEntry> entries = config.plugins().entries("security", "_global");
        assertThat(entries.get(0).config().toString()).isEqualTo("{\"enabled\":true,\"action\":\"redact\"}");
        assertThat(entries.get(1).config().get("action").asString()).isEqualTo("block");
        assertThat(entries.get(1).config().get("enabled").asBoolean()).isTrue();
        assertThat(config.plugins().byKind().get("security")).containsOnlyKeys("_global");
    }

    @Test
    void parse_scalarAnchorAndAlias_copiesValue() {
        GatewayConfig config = parse(withUpstreams("""
                    - {name: a, command: [&bin /usr/bin/server]}
                    - {name: b, command: [*bin, --verbose]}
                """));

        assertThat(config.proxy().upstreams().get(1).command()).containsExactly("/usr/bin/server", "--verbose");
    }

    @Test
    void parse_unknownAlias_isReportedAtAlias() {
        List<ConfigProblem> problems = problems(withUpstreams("    - {name: a, command: *nothing}\n"));

        assertThat(problems).singleElement().hasToString(
                "test.yaml:4:26: proxy.upstreams[0].command: alias '*nothing' has no anchor '&nothing' before it");
    }

    @Test
    void read_aliasBomb_isStoppedByNodeBudget() {
        StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 8; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            yaml.append(String.join(", ", java.util.Collections.nCopies(10, "*a" + (i - 1)))).append("]\n");
        }
        Problems problems = new Problems(new SourceMap("t.yaml"));

        JsonNode root = read(yaml.toString(), problems);

        assertThat(root).isNull();
        assertThat(problems.toException().getMessage()).contains("expands to more than 100000 values");
    }

    @Test
    void parse_nullValues_meanNotSet() {
        GatewayConfig config = parse("""
                proxy:
                  transport: stdio
                  http:
                  upstreams:
                    - name: a
                      command: [x]
                      server_identity: ~
                plugins:
                logging:
                """);

        assertThat(config.proxy().http()).isEmpty();
        assertThat(config.proxy().upstreams().getFirst().serverIdentity()).isEmpty();
        assertThat(config.plugins()).isEqualTo(PluginsConfig.empty());
        assertThat(config.logging()).isEqualTo(LoggingConfig.defaults());
    }
}
