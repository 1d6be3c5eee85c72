package io.gatekit.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.jsonrpc.McpMeta;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The other side of the era edge: what a modern upstream is sent, whatever era the client speaks. */
class ModernProtocolTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ModernProtocol protocol() {
        Request initialize = new Request(JsonRpcIds.of(0), "initialize", (ObjectNode) JSON.readTree("""
                {"protocolVersion":"2025-11-25","capabilities":{"sampling":{}},"clientInfo":{"name":"gatekit","version":"1"}}"""));
        Response discovered = Response.success(JsonRpcIds.of(0), JSON.readTree("""
                {"supportedVersions":["2026-07-28"],"capabilities":{"tools":{}}}"""));
        return ModernProtocol.fromDiscovery(initialize, discovered);
    }

    @Test
    void aLegacyClientsRequest_getsTheModernEnvelope_andKeepsItsOwnMeta() {
        Request legacy = new Request(JsonRpcIds.of(5), "tools/call", JSON.readTree("""
                {"name":"echo","arguments":{"m":"x"},"_meta":{"progressToken":9,"example.com/trace":"t"}}"""));

        JsonNode meta = protocol().envelope(legacy, "info").params().path("_meta");

        assertThat(meta.path(McpMeta.PROTOCOL_VERSION).asString()).isEqualTo("2026-07-28");
        assertThat(meta.path(McpMeta.CLIENT_CAPABILITIES)).isEqualTo(JSON.readTree("{\"sampling\":{}}"));
        assertThat(meta.path(McpMeta.CLIENT_INFO).path("name").asString()).isEqualTo("gatekit");
        assertThat(meta.path(McpMeta.LOG_LEVEL).asString()).isEqualTo("info");
        assertThat(meta.path("progressToken").asInt()).isEqualTo(9);
        assertThat(meta.path("example.com/trace").asString()).isEqualTo("t");
        assertThat(legacy.params().path("_meta").has(McpMeta.PROTOCOL_VERSION)).as("the original is unchanged").isFalse();
    }

    @Test
    void aLegacyClientsRequestWithoutParams_getsAnEnvelopeOfItsOwn() {
        JsonNode params = protocol().envelope(new Request(JsonRpcIds.of(6), "tools/list", null), null).params();

        assertThat(params.path("_meta").path(McpMeta.PROTOCOL_VERSION).asString()).isEqualTo("2026-07-28");
        assertThat(params.path("_meta").has(McpMeta.CLIENT_CAPABILITIES)).isTrue();
        assertThat(params.path("_meta").has(McpMeta.LOG_LEVEL)).isFalse();
    }
}
