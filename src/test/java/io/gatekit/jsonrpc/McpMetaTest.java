package io.gatekit.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class McpMetaTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ENVELOPE = """
            "io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},
            "io.modelcontextprotocol/clientInfo":{"name":"c","version":"1"},"io.modelcontextprotocol/logLevel":"info\"""";

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    @Test
    void theModernEnvelopeIsTakenOff_andEverythingElseInMetaIsKept() {
        JsonNode params = json("""
                {"name":"t","_meta":{"progressToken":7,"example.com/trace":"x",
                 "io.modelcontextprotocol/related-task":{"taskId":"k"},%s}}""".formatted(ENVELOPE));
        JsonNode before = params.deepCopy();

        JsonNode legacy = McpMeta.withoutModernEnvelope(params);

        assertThat(legacy).isEqualTo(json("""
                {"name":"t","_meta":{"progressToken":7,"example.com/trace":"x",
                 "io.modelcontextprotocol/related-task":{"taskId":"k"}}}"""));
        assertThat(params).as("the argument is not changed").isEqualTo(before);
    }

    @Test
    void metaLeftEmptyIsRemoved_andTheOtherMembersKeepTheirOrder() {
        JsonNode legacy = McpMeta.withoutModernEnvelope(json("""
                {"a":1,"_meta":{%s},"b":{"c":[1,2]}}""".formatted(ENVELOPE)));

        assertThat(legacy).isEqualTo(json("{\"a\":1,\"b\":{\"c\":[1,2]}}"));
        assertThat(legacy.propertyNames()).containsExactly("a", "b");
    }

    @Test
    void paramsWithNothingToTakeOff_areReturnedAsTheyAre() {
        JsonNode plain = json("{\"name\":\"t\",\"_meta\":{\"progressToken\":\"p\"}}");
        JsonNode noMeta = json("{\"name\":\"t\"}");
        JsonNode metaNotAnObject = json("{\"_meta\":\"odd\"}");

        assertThat(McpMeta.withoutModernEnvelope(plain)).isSameAs(plain);
        assertThat(McpMeta.withoutModernEnvelope(noMeta)).isSameAs(noMeta);
        assertThat(McpMeta.withoutModernEnvelope(metaNotAnObject)).isSameAs(metaNotAnObject);
        assertThat(McpMeta.withoutModernEnvelope(null)).isNull();
    }

    @Test
    void rawToolArguments_stayRawAndAreWrittenBackByteForByte() {
        JsonRpcCodec codec = JsonRpcCodec.forClients(1 << 20);
        String arguments = "{ \"text\" :  \"keep   my spacing\", \"n\": 1.50 }";
        byte[] frame = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"t\",\"arguments\":"
                + arguments + ",\"_meta\":{" + ENVELOPE + ",\"progressToken\":3}}}").getBytes(StandardCharsets.UTF_8);
        JsonRpcMessage.Request request = (JsonRpcMessage.Request) ((Decoded.Ok) codec.decode(frame)).message();

        JsonNode legacy = McpMeta.withoutModernEnvelope(request.params());

        assertThat(legacy.get("arguments")).isSameAs(request.params().get("arguments"));
        String encoded = new String(codec.encode(request.withParams(legacy)), StandardCharsets.UTF_8);
        assertThat(encoded).contains("\"arguments\":" + arguments).contains("\"_meta\":{\"progressToken\":3}")
                .doesNotContain("io.modelcontextprotocol/");
    }
}
