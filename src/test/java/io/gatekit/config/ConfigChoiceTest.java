package io.gatekit.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The closed-set settings: the enums and the schema that reports unknown spellings must name the same values. */
class ConfigChoiceTest {
    private static final Map<String, Class<? extends Enum<?>>> BY_SCHEMA_PATH = Map.of(
            "/$defs/proxy/properties/transport/enum", ClientTransport.class,
            "/$defs/proxy/properties/hot_reload/enum", HotReload.class,
            "/$defs/upstream/properties/transport/enum", UpstreamTransport.class,
            "/$defs/upstream/properties/protocol_era/enum", ProtocolEra.class,
            "/$defs/logging/properties/handlers/items/enum", LogHandler.class);

    @Test
    void everyEnumSpellsExactlyTheValuesTheSchemaAllows() throws Exception {
        JsonNode schema;
        try (InputStream in = SchemaCheck.class.getResourceAsStream(SchemaCheck.RESOURCE)) {
            schema = JsonMapper.builder().build().readTree(in);
        }
        BY_SCHEMA_PATH.forEach((pointer, type) -> {
            List<String> allowed = schema.at(pointer).valueStream().map(JsonNode::asString).toList();
            List<String> spelled = Arrays.stream(type.getEnumConstants()).map(c -> ((ConfigChoice) c).wire()).toList();
            assertThat(spelled).as(pointer).containsExactlyInAnyOrderElementsOf(allowed).isNotEmpty();
        });
    }

    @Test
    void parse_findsTheLowerCaseSpelling_only() {
        assertThat(ConfigChoice.parse(ProtocolEra.class, "modern")).contains(ProtocolEra.MODERN);
        assertThat(ConfigChoice.parse(UpstreamTransport.class, "sse")).contains(UpstreamTransport.SSE);
        assertThat(ConfigChoice.parse(ProtocolEra.class, "MODERN")).isEmpty();
        assertThat(ConfigChoice.parse(ProtocolEra.class, "newest")).isEmpty();
    }

    @Test
    void aLoadedUpstreamCarriesItsTransportAndEraAsValues() {
        GatewayConfig config = ConfigLoader.parse("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: old
                      transport: sse
                      url: http://127.0.0.1:9/sse
                      protocol_era: legacy
                """, "test.yaml", java.nio.file.Path.of("."), Map.of());
        UpstreamConfig old = config.proxy().upstreams().getFirst();
        assertThat(old.transport()).isEqualTo(UpstreamTransport.SSE);
        assertThat(old.protocolEra()).isEqualTo(ProtocolEra.LEGACY);
        assertThat(old.mayBeModern()).isFalse();
        assertThat(config.proxy().transport()).isEqualTo(ClientTransport.STDIO);
    }
}
