package io.gatekit.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The byte-level envelope reader against the full parser: on every message it accepts it must agree with Jackson
 * (same id, same method and name, the same value kept raw), and it must never accept malformed JSON, since what it
 * keeps raw is relayed as is.
 */
class EnvelopeScannerTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonMapper STRICT = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final JsonRpcCodec full = new JsonRpcCodec(1 << 20);
    private final JsonRpcCodec codec = new JsonRpcCodec(1 << 20, true);

    private static Decoded scan(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return EnvelopeScanner.scan(bytes, 0, bytes.length, true, true);
    }

    /** The scanner's reading equals the full parser's, with raw values compared as trees. */
    private void assertAgrees(String text) {
        Decoded scanned = scan(text);
        assertThat(scanned).as("scanner refused %s", text).isInstanceOf(Decoded.Ok.class);
        JsonRpcMessage expected = ((Decoded.Ok) full.decode(text.getBytes(StandardCharsets.UTF_8))).message();
        JsonRpcMessage actual = ((Decoded.Ok) scanned).message();
        switch (expected) {
            case JsonRpcMessage.Response r -> {
                JsonRpcMessage.Response s = (JsonRpcMessage.Response) actual;
                assertThat(JsonRpcIds.same(s.id(), r.id())).as("id of %s", text).isTrue();
                assertThat(s.id().isString()).isEqualTo(r.id().isString());
                assertThat(codec.materialize(s.result())).as("result of %s", text).isEqualTo(r.result());
            }
            case JsonRpcMessage.Request r -> {
                JsonRpcMessage.Request s = (JsonRpcMessage.Request) actual;
                assertThat(JsonRpcIds.same(s.id(), r.id())).isTrue();
                assertThat(s.method()).isEqualTo(r.method());
                assertThat(s.params().get("name")).isEqualTo(r.params().get("name"));
                JsonNode arguments = s.params().get("arguments");
                assertThat(arguments == null ? null : codec.materialize(arguments)).isEqualTo(r.params().get("arguments"));
            }
            default -> throw new AssertionError("unexpected " + expected);
        }
    }

    @Test
    void responsesInAnyShapeOfWhitespaceAndOrder() {
        assertAgrees("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        assertAgrees(" { \"result\" : [ 1 , -2.5e-3 , 0 , true , false , null ] , \"id\" : \"a b\" , \"jsonrpc\" : \"2.0\" } ");
        assertAgrees("{\"id\":9223372036854775,\"jsonrpc\":\"2.0\",\"result\":{\"content\":[{\"type\":\"text\","
                + "\"text\":\"quote \\\" backslash \\\\ slash \\/ tab \\t unicode \\u00e9 \\ud83d\\ude00 raw é 😀\"}]}}");
        assertAgrees("{\"jsonrpc\":\"2.0\",\"id\":-7,\"result\":{\"a\":{\"b\":{\"c\":[[[{}]]]}},\"n\":1E+2}}");
        assertAgrees("{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":\"just a string\"}");
    }

    @Test
    void plainToolCallsWithOrWithoutArguments() {
        assertAgrees("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"fs__read\",\"arguments\":{\"path\":\"/x\"}}}");
        assertAgrees("{\"params\":{\"arguments\":[1,{\"k\":\"v\"}],\"name\":\"a__b\"},\"method\":\"tools/call\",\"id\":\"r-1\",\"jsonrpc\":\"2.0\"}");
        assertAgrees("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"ünïcode__tool\"}}");
    }

    @Test
    void anythingUnusualIsLeftToTheFullParser() {
        String[] refused = {
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-1,\"message\":\"x\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a\",\"_meta\":{\"progressToken\":1}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a\\u0062\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"arguments\":{}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"result\":{}}",
            "{\"jsonrpc\":\"2.0\",\"id\":01,\"result\":{}}",
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":{}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"result\":{}}",
            "{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":{}}",
            "{\"id\":1,\"result\":{}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}} trailing",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},}",
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}]",
        };
        for (String text : refused) {
            assertThat(scan(text)).as(text).isNull();
        }
    }

    @Test
    void malformedValuesAreNeverRelayed() {
        String[] results = {"{\"a\":}", "[1,]", "{\"a\" 1}", "\"bad \\x escape\"", "\"ctl \u0001\"", "tru", "nul", "-",
            "1.", "1e", "01", "{\"a\":1", "[", "\"unterminated", "{\"a\":1}}", "+1", ".5", "[1 2]", "{1:2}"};
        for (String result : results) {
            String text = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + result + "}";
            assertThat(scan(text)).as(text).isNull();
        }
        String nested = "[".repeat(600) + "]".repeat(600);
        assertThat(scan("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + nested + "}")).isNull();
    }

    private static String response(String result) {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + result + "}";
    }

    private static String toolCall(String arguments) {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a__b\",\"arguments\":" + arguments + "}}";
    }

    /** An object of the given keys, each with the value 1. */
    private static String objectOf(List<String> keys) {
        return keys.stream().map(key -> "\"" + key + "\":1").collect(Collectors.joining(",", "{", "}"));
    }

    /** The scanner refuses a raw value that repeats a key; the full parser then says which (JsonRpcCodecTest). */
    @Test
    void aKeyRepeatedInsideARawValueIsNeverRelayed() {
        List<String> sixteen = IntStream.range(0, 16).mapToObj(k -> "key" + k).toList();
        List<String> many = IntStream.range(0, 300).mapToObj(k -> "k" + k).toList();
        String[] values = {
            "{\"a\":1,\"a\":2}",
            "{\"content\":[{\"type\":\"text\",\"text\":\"x\",\"text\":\"y\"}]}",
            "[{\"k\":{\"deep\":{\"x\":1,\"y\":{\"x\":2},\"x\":3}}}]",
            "{\"a\":{\"b\":1},\"a\":{\"c\":1}}",
            "{\"a\":1,\"\\u0061\":2}", // an escaped key: the full parser compares the unescaped names
            "{\"é\":1,\"é\":2}",
            "{\"\":1,\"\":2}",
            // the first key again as the last of 16 (searched one by one) and as the 17th (through the index)
            objectOf(Stream.concat(sixteen.stream().limit(15), Stream.of("key0")).toList()),
            objectOf(Stream.concat(sixteen.stream(), Stream.of("key0")).toList()),
            objectOf(Stream.concat(many.stream(), Stream.of("k137")).toList()),
            objectOf(Stream.concat(many.stream(), Stream.of("k299")).toList()),
        };
        for (String value : values) {
            assertThat(scan(response(value))).as(value).isNull();
            assertThat(scan(toolCall(value))).as(value).isNull();
        }
    }

    @Test
    void distinctKeysPass_howeverManyAndHoweverTheyHash() {
        List<String> many = IntStream.range(0, 1000).mapToObj(k -> "k" + k).toList();
        // Each of these 1,024 keys has the same 31-polynomial hash ("Aa" and "BB" do), so the index's probe
        // sequences grow until the object moves to the set; they must still all be told apart.
        List<String> colliding = IntStream.range(0, 1024).mapToObj(n -> {
            StringBuilder key = new StringBuilder();
            for (int bit = 0; bit < 10; bit++) {
                key.append((n >> bit & 1) == 0 ? "Aa" : "BB");
            }
            return key.toString();
        }).toList();
        for (List<String> keys : List.of(many, colliding)) {
            assertAgrees(response(objectOf(keys)));
            assertAgrees(toolCall("[" + objectOf(keys) + "," + objectOf(keys) + "]"));
            // the same keys one level down, in two sibling objects, and beside a parent that has them too
            assertAgrees(response("{\"a\":" + objectOf(keys) + ",\"b\":" + objectOf(keys) + ",\"" + keys.get(0) + "\":2}"));
        }
        assertThat(scan(response(objectOf(Stream.concat(colliding.stream(), Stream.of(colliding.get(700))).toList())))).isNull();
    }

    /**
     * Random objects with keys from a small alphabet, so that some repeat: the scanner accepts exactly those where
     * no object repeats a key, and reads them as Jackson does.
     */
    @Test
    void randomObjectsAreRefusedExactlyWhenAKeyRepeats() {
        Random random = new Random(20261124);
        int refused = 0;
        for (int n = 0; n < 2000; n++) {
            String value = randomObjectText(random, 0);
            String text = random.nextBoolean() ? response(value) : toolCall(value);
            boolean repeats = repeatsAKey(value);
            if (repeats) {
                refused++;
                assertThat(scan(text)).as(text).isNull();
            } else {
                assertAgrees(text);
            }
        }
        assertThat(refused).isBetween(200, 1800);
    }

    /** The oracle: Jackson's own check, on the tree it builds. */
    private static boolean repeatsAKey(String value) {
        try {
            STRICT.readTree(value);
            return false;
        } catch (JacksonException e) {
            return true;
        }
    }

    private static String randomObjectText(Random random, int depth) {
        String[] keys = {"a", "b", "c", "é", "ab", "ba", ""};
        StringBuilder text = new StringBuilder("{");
        for (int k = random.nextInt(depth == 0 ? 5 : 4); k > 0; k--) {
            if (text.length() > 1) {
                text.append(',');
            }
            text.append('"').append(keys[random.nextInt(keys.length)]).append("\":");
            int kind = random.nextInt(depth > 2 ? 1 : 3);
            if (kind == 0) {
                text.append(random.nextInt(10));
            } else if (kind == 1) {
                text.append(randomObjectText(random, depth + 1));
            } else {
                text.append('[').append(randomObjectText(random, depth + 1)).append(']');
            }
        }
        return text.append('}').toString();
    }

    @Test
    void readsOnlyItsOwnSliceOfASharedBuffer() {
        String first = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"abc";
        String buffer = first + "\"}" + "\n{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}\n";
        byte[] bytes = buffer.getBytes(StandardCharsets.UTF_8);
        // A slice that stops inside the string must not borrow the next message's quote.
        assertThat(EnvelopeScanner.scan(bytes, 0, first.length(), true, true)).isNull();
        Decoded whole = EnvelopeScanner.scan(bytes, 0, first.length() + 2, true, true);
        assertThat(whole).isInstanceOf(Decoded.Ok.class);
        int second = buffer.indexOf('\n') + 1;
        Decoded next = EnvelopeScanner.scan(bytes, second, buffer.length() - 1 - second, true, true);
        assertThat(((JsonRpcMessage.Response) ((Decoded.Ok) next).message()).id().asInt()).isEqualTo(2);
    }

    /**
     * Found by fuzzing (ADR 0026): bytes that are not UTF-8 inside a string were vouched for, so a raw value carried
     * them on to the other side. Now every malformed form goes to the full parser: what it cannot read is -32700
     * (a stray byte, a truncated character), and what it reads leniently (overlong forms, surrogates, past U+10FFFF)
     * is re-encoded from the tree, so nothing but UTF-8 is ever passed on.
     */
    @Test
    void malformedUtf8InAnyStringIsRefusedOrNeverPassedOnRaw() throws java.nio.charset.CharacterCodingException {
        byte[][] unreadable = {{(byte) 0xff}, {(byte) 0xc3}, {(byte) 0x80}};
        byte[][] lenient = {{(byte) 0xc0, (byte) 0xaf}, {(byte) 0xe0, (byte) 0x80, (byte) 0xaf},
                {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
        JsonRpcCodec clients = JsonRpcCodec.forClients(1 << 20);
        String[][] frames = {
                {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a", "\"}}"},
                {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a\",\"arguments\":{\"", "\":1}}}"},
                {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"t\":\"", "\"}}"}};
        for (String[] frame : frames) {
            JsonRpcCodec side = frame[0].contains("result") ? codec : clients;
            for (byte[] bad : unreadable) {
                assertThat(side.decode(concat(frame[0].getBytes(StandardCharsets.UTF_8), bad, frame[1].getBytes(StandardCharsets.UTF_8))))
                        .as("%s", java.util.HexFormat.of().formatHex(bad))
                        .isInstanceOfSatisfying(Decoded.Invalid.class,
                                invalid -> assertThat(invalid.error().code()).isEqualTo(-32700));
            }
            for (byte[] bad : lenient) {
                byte[] bytes = concat(frame[0].getBytes(StandardCharsets.UTF_8), bad, frame[1].getBytes(StandardCharsets.UTF_8));
                assertThat(EnvelopeScanner.scan(bytes, 0, bytes.length, true, true)).as("left to the full parser").isNull();
                if (side.decode(bytes) instanceof Decoded.Ok ok) {
                    byte[] passedOn = side.encode(ok.message());
                    assertThat(java.util.Arrays.equals(passedOn, bytes)).as("not relayed as it came").isFalse();
                    assertThat(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(passedOn)).toString()).isNotNull();
                }
            }
        }
        byte[] fine = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"t\":\"é€😀\"}}".getBytes(StandardCharsets.UTF_8);
        assertThat(EnvelopeScanner.scan(fine, 0, fine.length, true, true)).as("well-formed UTF-8 stays on the fast path")
                .isInstanceOf(Decoded.Ok.class);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Random results round-trip; random single-byte damage is either refused or read exactly as Jackson reads it. */
    @Test
    void randomMessagesAgreeAndDamagedOnesAreNeverMisread() {
        Random random = new Random(20261123);
        int accepted = 0;
        for (int n = 0; n < 1500; n++) {
            ObjectNode message = NODES.objectNode();
            message.put("jsonrpc", "2.0");
            message.set("id", random.nextBoolean() ? NODES.numberNode(random.nextInt()) : NODES.stringNode("id" + n));
            message.set("result", randomValue(random, 0));
            String text = JSON.writeValueAsString(message);
            assertAgrees(text);

            char[] damaged = text.toCharArray();
            int at = random.nextInt(damaged.length);
            String damage = "{}[]\",:\\ 0a-.eE";
            damaged[at] = damage.charAt(random.nextInt(damage.length()));
            String mutant = new String(damaged);
            Decoded scanned = scan(mutant);
            if (scanned != null) {
                accepted++;
                Decoded parsed = full.decode(mutant.getBytes(StandardCharsets.UTF_8));
                assertThat(parsed).as("scanner accepted what Jackson rejects: %s", mutant).isInstanceOf(Decoded.Ok.class);
                assertAgrees(mutant);
            }
        }
        assertThat(accepted).isPositive(); // some damage is harmless (a digit for a digit) and must still agree
    }

    private static JsonNode randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 3 ? 5 : 7);
        return switch (kind) {
            case 0 -> NODES.numberNode(random.nextLong() >> random.nextInt(63));
            case 1 -> NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 2 -> NODES.stringNode(randomString(random));
            case 3 -> NODES.booleanNode(random.nextBoolean());
            case 4 -> NODES.nullNode();
            case 5 -> {
                ArrayNode array = NODES.arrayNode();
                for (int k = random.nextInt(4); k > 0; k--) {
                    array.add(randomValue(random, depth + 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int k = random.nextInt(4); k > 0; k--) {
                    object.set(randomKey(random), randomValue(random, depth + 1));
                }
                yield object;
            }
        };
    }

    private static String randomString(Random random) {
        return randomText(random, "ab \"\\/\n\t\u0001é😀{}[]:,", 8);
    }

    /** A key as real messages have them: the scanner leaves keys with escapes to the full parser. */
    private static String randomKey(Random random) {
        return randomText(random, "ab é€{}[]:,/", 5);
    }

    private static String randomText(Random random, String alphabet, int maxLength) {
        StringBuilder text = new StringBuilder();
        for (int k = random.nextInt(maxLength); k > 0; k--) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
