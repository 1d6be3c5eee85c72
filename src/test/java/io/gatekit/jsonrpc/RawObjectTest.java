package io.gatekit.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RawObjectTest {
    private static final JsonRpcCodec UPSTREAM = new JsonRpcCodec(1 << 20, true);
    private static final JsonMapper JSON = JsonMapper.shared();
    private static final byte[] BLOCK = "{\"type\":\"text\",\"text\":\"t\"}".getBytes(StandardCharsets.UTF_8);

    /** The result of a success response as the upstream-side codec keeps it: raw bytes. */
    private static JsonNode rawResult(String result) {
        Decoded decoded = UPSTREAM.decode(("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + result + "}")
                .getBytes(StandardCharsets.UTF_8));
        JsonNode node = ((JsonRpcMessage.Response) ((Decoded.Ok) decoded).message()).successResult();
        assertThat(RawJson.isRaw(node)).isTrue();
        return node;
    }

    private static String text(JsonNode node) {
        return new String(UPSTREAM.encode(JsonRpcMessage.Response.success(JsonRpcIds.of(9), node)), StandardCharsets.UTF_8);
    }

    @Test
    void anElementIsSplicedIntoTheArrayKeepingEveryOtherByte() {
        RawObject object = RawObject.of(rawResult("{\"content\": [{\"type\":\"text\",\"text\":\"a]}\\\"\"} ], \"isError\": false}"));

        JsonNode appended = object.withAppended("content", BLOCK);

        assertThat(RawJson.isRaw(appended)).as("still raw: written back byte for byte").isTrue();
        assertThat(text(appended)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"content\": [{\"type\":\"text\","
                + "\"text\":\"a]}\\\"\"} ,{\"type\":\"text\",\"text\":\"t\"}], \"isError\": false}}");
        assertThat(UPSTREAM.materialize(appended).at("/content/1/text").stringValue()).isEqualTo("t");
        assertThat(object.length()).isEqualTo(object.text().getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void anEmptyArrayGetsTheElementWithoutAComma() {
        JsonNode appended = RawObject.of(rawResult("{\"content\":[ ]}")).withAppended("content", BLOCK);

        assertThat(UPSTREAM.materialize(appended)).isEqualTo(JSON.readTree("{\"content\":[{\"type\":\"text\",\"text\":\"t\"}]}"));
    }

    @Test
    void withoutSuchAnArrayNothingIsSpliced() {
        assertThat(RawObject.of(rawResult("{\"isError\":false}")).withAppended("content", BLOCK)).isNull();
        assertThat(RawObject.of(rawResult("{\"content\":\"text\"}")).withAppended("content", BLOCK)).isNull();
        assertThat(RawObject.of(rawResult("{\"nested\":{\"content\":[]}}")).withAppended("content", BLOCK))
                .as("only a top-level member counts").isNull();
    }

    @Test
    void oneMemberIsReadWithoutTheRest() {
        RawObject object = RawObject.of(rawResult("{\"content\":[{\"x\":[1,{\"y\":2}]}],\"resultType\":\"input_required\",\"n\":-1.5e3}"));

        assertThat(object.member("resultType").stringValue()).isEqualTo("input_required");
        assertThat(object.member("n").doubleValue()).isEqualTo(-1500.0);
        assertThat(object.has("content")).isTrue();
        assertThat(object.member("absent")).isNull();
        assertThat(object.has("x")).as("a nested name is not a member").isFalse();
    }

    @Test
    void onlyRawObjectsAreRead() {
        assertThat(RawObject.of(JSON.readTree("{\"content\":[]}"))).as("a tree").isNull();
        assertThat(RawObject.of(rawResult("[1,2]"))).as("a raw array").isNull();
        assertThat(RawObject.of(null)).isNull();
        assertThat(RawObject.of(rawResult("{}")).has("content")).isFalse();
    }

    @Test
    void compactMeansNoSpaceBetweenTokens() {
        assertThat(RawObject.of(rawResult("{\"a\":\"x y\",\"b\":[1,2]}")).compact()).isTrue();
        assertThat(RawObject.of(rawResult("{\"a\": 1}")).compact()).isFalse();
        assertThat(RawObject.of(rawResult("{\"a\":\"q\\\" \",\"b\":[1, 2]}")).compact()).as("an escaped quote").isFalse();
    }
}
