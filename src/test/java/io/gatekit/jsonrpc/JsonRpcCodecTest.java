package io.gatekit.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonRpcCodecTest {
    private final JsonRpcCodec codec = new JsonRpcCodec();

    private Decoded decode(String json) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Found by fuzzing (ADR 0026): an error code past 32 bits made decoding throw, which ended the connection. */
    @Test
    void anErrorCodePast32BitsIsAnInvalidResponseNotACrash() {
        for (JsonRpcCodec side : new JsonRpcCodec[] {codec, JsonRpcCodec.forClients(1 << 20), new JsonRpcCodec(1 << 20, true)}) {
            Decoded decoded = side.decode("{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32633333333333333333,\"message\":\"x\"}}"
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(decoded).isInstanceOfSatisfying(Decoded.Invalid.class,
                    invalid -> assertThat(invalid.answerable()).as("a response is never answered").isFalse());
        }
    }

    @Test
    void decode_request_keepsIdType() {
        Decoded numeric = decode("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        Decoded text = decode("{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"method\":\"ping\"}");
        assertThat(((JsonRpcMessage.Request) ((Decoded.Ok) numeric).message()).id().isIntegralNumber()).isTrue();
        assertThat(((JsonRpcMessage.Request) ((Decoded.Ok) text).message()).id().isString()).isTrue();
    }

    @Test
    void decode_notificationAndResponses() {
        assertThat(((Decoded.Ok) decode("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")).message())
                .isInstanceOf(JsonRpcMessage.Notification.class);
        JsonRpcMessage.Response error = (JsonRpcMessage.Response) ((Decoded.Ok) decode(
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32601,\"message\":\"nope\"}}")).message();
        assertThat(error.error().code()).isEqualTo(-32601);
        assertThat(error.error().message()).isEqualTo("nope");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{oops                                                  | -32700 | true",
        "[]                                                     | -32600 | true",
        "42                                                     | -32600 | true",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"x\"}     | -32600 | true",
        "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"x\"}      | -32600 | true",
        "{\"id\":1,\"method\":\"x\"}                            | -32600 | true",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}            | -32600 | true",
        "{\"jsonrpc\":\"2.0\",\"id\":1}                         | -32600 | true",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{}} | -32600 | false",
    })
    void decode_invalidInput_givesTheRightError(String json, int code, boolean answerable) {
        Decoded decoded = decode(json.strip());
        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        assertThat(((Decoded.Invalid) decoded).error().code()).isEqualTo(code);
        assertThat(((Decoded.Invalid) decoded).answerable()).isEqualTo(answerable);
    }

    @Test
    void decode_invalidRequestWithReadableId_keepsTheIdForTheError() {
        Decoded.Invalid invalid = (Decoded.Invalid) decode("{\"jsonrpc\":\"1.0\",\"id\":\"abc\",\"method\":\"x\"}");
        assertThat(invalid.id().stringValue()).isEqualTo("abc");
    }

    @Test
    void encode_thenDecode_roundTrips_withoutNewlines() {
        JsonRpcMessage.Request request = (JsonRpcMessage.Request) ((Decoded.Ok) decode(
                "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/call\",\"params\":{\"text\":\"line1\\nline2\"}}")).message();
        byte[] encoded = codec.encode(request);
        assertThat(new String(encoded, StandardCharsets.UTF_8)).doesNotContain("\n");
        JsonRpcMessage again = ((Decoded.Ok) codec.decode(encoded)).message();
        assertThat(again).isEqualTo(request);
    }

    @Test
    void encode_errorResponseWithoutId_writesNullId() {
        String json = new String(codec.encode(JsonRpcMessage.Response.failure(null, JsonRpcError.of(-32700, "bad"))),
                StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"bad\"}}");
    }

    @Test
    void decode_deepNesting_isRejectedNotCrashing() {
        String deep = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThat(decode(deep)).isInstanceOf(Decoded.Invalid.class);
    }

    @Test
    void rawResults_passThroughByteForByte_withANewId() {
        JsonRpcCodec upstream = new JsonRpcCodec(1 << 20, true);
        String result = "{\"content\":[{\"type\":\"text\",\"text\":\"h\\u00e9llo \\\"q\\\" \u00e9\"}],\"n\":1.50,\"big\":12345678901234567890}";
        String line = "{\"result\":" + result + ",\"jsonrpc\":\"2.0\",\"id\":42}";
        JsonRpcMessage.Response response = (JsonRpcMessage.Response) ((Decoded.Ok) upstream.decode(
                line.getBytes(StandardCharsets.UTF_8))).message();
        assertThat(response.id().asLong()).isEqualTo(42);
        String out = new String(codec.encode(response.withId(io.gatekit.jsonrpc.JsonRpcIds.of("client-7"))), StandardCharsets.UTF_8);
        assertThat(out).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":\"client-7\",\"result\":" + result + "}");
        assertThat(upstream.materialize(response.result()).path("n").decimalValue()).isEqualByComparingTo("1.50");
    }

    @Test
    void rawResults_onlyForPlainSuccessResponses() {
        JsonRpcCodec upstream = new JsonRpcCodec(1 << 20, true);
        Decoded error = upstream.decode("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-1,\"message\":\"m\"}}".getBytes(StandardCharsets.UTF_8));
        assertThat(((JsonRpcMessage.Response) ((Decoded.Ok) error).message()).error().message()).isEqualTo("m");
        Decoded request = upstream.decode("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"roots/list\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(((Decoded.Ok) request).message()).isInstanceOf(JsonRpcMessage.Request.class);
        Decoded bad = upstream.decode("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}} trailing".getBytes(StandardCharsets.UTF_8));
        assertThat(bad).isInstanceOf(Decoded.Invalid.class);
    }

    @Test
    void clientCodec_keepsToolArgumentsRaw_andTheRestAsTrees() {
        JsonRpcCodec clients = JsonRpcCodec.forClients(1 << 20);
        String arguments = "{\"text\":\"\\u00e9 \\n\",\"n\":[1,2.50,{\"x\":null}]}";
        String line = "{\"params\":{\"name\":\"a__b\",\"arguments\":" + arguments
                + ",\"_meta\":{\"progressToken\":\"p\"}},\"method\":\"tools/call\",\"id\":\"r1\",\"jsonrpc\":\"2.0\"}";
        JsonRpcMessage.Request request = (JsonRpcMessage.Request) ((Decoded.Ok) clients.decode(line.getBytes(StandardCharsets.UTF_8))).message();
        assertThat(request.id().stringValue()).isEqualTo("r1");
        assertThat(request.params().path("name").stringValue()).isEqualTo("a__b");
        assertThat(request.params().path("_meta").path("progressToken").stringValue()).isEqualTo("p");
        String out = new String(clients.encode(request), StandardCharsets.UTF_8);
        assertThat(out).contains("\"arguments\":" + arguments);
        assertThat(clients.materialize(request.params().get("arguments")).path("n").path(1).decimalValue()).isEqualByComparingTo("2.50");
        // Any other method takes the full path.
        JsonRpcMessage.Request list = (JsonRpcMessage.Request) ((Decoded.Ok) clients.decode(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"arguments\":{}}}".getBytes(StandardCharsets.UTF_8))).message();
        assertThat(list.params().path("arguments").isObject()).isTrue();
    }

    @Test
    void rawResultResponse_withAnIdThatNeedsEscaping_isStillValidJson() {
        JsonRpcCodec upstream = new JsonRpcCodec(1 << 20, true);
        JsonRpcMessage.Response response = (JsonRpcMessage.Response) ((Decoded.Ok) upstream.decode(
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}".getBytes(StandardCharsets.UTF_8))).message();
        byte[] out = codec.encode(response.withId(io.gatekit.jsonrpc.JsonRpcIds.of("q\"\\\n\u00e9")));
        JsonRpcMessage.Response again = (JsonRpcMessage.Response) ((Decoded.Ok) codec.decode(out)).message();
        assertThat(again.id().stringValue()).isEqualTo("q\"\\\n\u00e9");
        assertThat(new String(out, StandardCharsets.UTF_8)).doesNotContain("\n").endsWith("\"result\":{}}");
    }

    @Test
    void forwardedToolCall_withRawArguments_isSplicedExactly() {
        JsonRpcCodec clients = JsonRpcCodec.forClients(1 << 20);
        String line = "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"tools/call\",\"params\":{\"name\":\"up__t\\\"q\",\"arguments\":{\"a\": [1, 2]}}}";
        JsonRpcMessage.Request request = (JsonRpcMessage.Request) ((Decoded.Ok) clients.decode(line.getBytes(StandardCharsets.UTF_8))).message();
        String out = new String(clients.encode(request.withId(io.gatekit.jsonrpc.JsonRpcIds.of(9))), StandardCharsets.UTF_8);
        assertThat(out).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"up__t\\\"q\",\"arguments\":{\"a\": [1, 2]}}}");
        assertThat(codec.decode(out.getBytes(StandardCharsets.UTF_8))).isInstanceOf(Decoded.Ok.class);

        String plain = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"arguments\":[true],\"name\":\"a__é\"}}";
        request = (JsonRpcMessage.Request) ((Decoded.Ok) clients.decode(plain.getBytes(StandardCharsets.UTF_8))).message();
        assertThat(new String(clients.encode(request.withId(io.gatekit.jsonrpc.JsonRpcIds.of("r\"1"))), StandardCharsets.UTF_8))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":\"r\\\"1\",\"method\":\"tools/call\",\"params\":{\"arguments\":[true],\"name\":\"a__é\"}}");
    }

    /** The three codecs: the full parser, the upstream side (raw results) and the client side (raw arguments). */
    private static java.util.List<JsonRpcCodec> everyCodec() {
        return java.util.List.of(new JsonRpcCodec(1 << 20), new JsonRpcCodec(1 << 20, true), JsonRpcCodec.forClients(1 << 20));
    }

    /**
     * A repeated key at any depth, in any shape, on every codec (so through the byte-level scanner, the streaming
     * envelope reader and the full parser alike) is -32600 naming the key and where it is; the id is kept when the
     * envelope has one, and only a response is unanswerable.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // the task's example: a tools/call whose arguments say two things (the scanner's fast shape)
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"arguments\":{\"message\":\"ok\",\"message\":\"dup\"}}} | 1 | true | message | /params/arguments/message",
        // the same with _meta (the streaming envelope reader's shape)
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"_meta\":{\"progressToken\":1},\"name\":\"x\",\"arguments\":{\"message\":\"ok\",\"message\":\"dup\"}}} | 2 | true | message | /params/arguments/message",
        "{\"jsonrpc\":\"2.0\",\"id\":16,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"_meta\":{\"progressToken\":1,\"progressToken\":2},\"arguments\":{}}} | 16 | true | progressToken | /params/_meta/progressToken",
        "{\"jsonrpc\":\"2.0\",\"id\":17,\"method\":\"tools/call\",\"params\":{\"_meta\":{},\"name\":\"x\",\"arguments\":{},\"arguments\":{}}} | 17 | true | arguments | /params/arguments",
        // a key and its escaped spelling are one key
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"arguments\":{\"message\":\"ok\",\"\\u006dessage\":\"dup\"}}} | 3 | true | message | /params/arguments/message",
        "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"arguments\":{\"a\":[{\"b\":{\"c\":1,\"d\":2,\"c\":3}}]}}} | 4 | true | c | /params/arguments/a/0/b/c",
        // params and envelope
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"name\":\"y\"}} | 5 | true | name | /params/name",
        "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"method\":\"tools/list\"} | 6 | true | method | /method",
        "{\"jsonrpc\":\"2.0\",\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"} | 7 | true | jsonrpc | /jsonrpc",
        "{\"jsonrpc\":\"2.0\",\"id\":8,\"id\":9,\"method\":\"ping\"} | | true | id | /id",
        "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"initialize\",\"params\":{\"capabilities\":{\"roots\":{},\"roots\":{\"listChanged\":true}}}} | 10 | true | roots | /params/capabilities/roots",
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":1,\"progress\":1,\"progress\":2}} | | true | progress | /params/progress",
        // responses: result (the scanner's other fast shape), error, error data
        "{\"jsonrpc\":\"2.0\",\"id\":11,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"a\",\"text\":\"b\"}]}} | 11 | false | text | /result/content/0/text",
        "{\"jsonrpc\":\"2.0\",\"id\":12,\"result\":{},\"result\":{\"x\":1}} | 12 | false | result | /result",
        "{\"jsonrpc\":\"2.0\",\"id\":13,\"error\":{\"code\":1,\"message\":\"m\",\"code\":2}} | 13 | false | code | /error/code",
        "{\"jsonrpc\":\"2.0\",\"id\":14,\"error\":{\"code\":1,\"message\":\"m\",\"data\":{\"why\":1,\"why\":2}}} | 14 | false | why | /error/data/why",
        "{\"jsonrpc\":\"2.0\",\"id\":18,\"result\":{\"x\":{\"\\u0061\":1,\"a\":2}}} | 18 | false | a | /result/x/a",
        "{\"jsonrpc\":\"2.0\",\"id\":15,\"result\":{\"a/b\":1,\"a/b\":2}} | 15 | false | a/b | /result/a~1b",
    })
    void decode_repeatedKey_atAnyDepth_isInvalidRequest_namingTheKeyAndPath(String json, Integer id, boolean answerable,
            String key, String path) {
        for (JsonRpcCodec each : everyCodec()) {
            Decoded decoded = each.decode(json.getBytes(StandardCharsets.UTF_8));
            assertThat(decoded).as("%s", json).isInstanceOf(Decoded.Invalid.class);
            Decoded.Invalid invalid = (Decoded.Invalid) decoded;
            assertThat(invalid.error().code()).isEqualTo(-32600);
            assertThat(invalid.error().message()).contains("duplicate key \"" + key + "\" at " + path)
                    .startsWith(answerable ? "Invalid Request: " : "Invalid response: ");
            assertThat(invalid.answerable()).isEqualTo(answerable);
            if (id == null) {
                assertThat(invalid.id()).isNull();
            } else {
                assertThat(invalid.id().asInt()).isEqualTo(id);
            }
        }
    }

    @Test
    void decode_sameKeyInDifferentObjects_isFine() {
        String arguments = "{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}],\"c\":{\"k\":1},\"k\":2}";
        for (JsonRpcCodec each : everyCodec()) {
            assertThat(each.decode(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"arguments\":"
                    + arguments + "}}").getBytes(StandardCharsets.UTF_8))).isInstanceOf(Decoded.Ok.class);
            assertThat(each.decode(("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + arguments + "}").getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(Decoded.Ok.class);
        }
    }

    @Test
    void decode_malformedTextThatAlsoRepeatsAKey_isAParseError() {
        for (JsonRpcCodec each : everyCodec()) {
            Decoded decoded = each.decode("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8));
            assertThat(((Decoded.Invalid) decoded).error().code()).isEqualTo(-32700);
        }
    }

    @Test
    void decode_repeatedLongKey_isNamedShortened() {
        String key = "k".repeat(5000);
        Decoded.Invalid invalid = (Decoded.Invalid) decode(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":{\"" + key + "\":1,\"" + key + "\":2}}");
        assertThat(invalid.error().message()).contains("duplicate key \"kkk").hasSizeLessThan(600);
    }
}
