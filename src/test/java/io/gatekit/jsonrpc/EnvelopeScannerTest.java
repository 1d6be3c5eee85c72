package io.gatekit.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
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
                    object.set(randomString(random), randomValue(random, depth + 1));
                }
                yield object;
            }
        };
    }

    private static String randomString(Random random) {
        String alphabet = "ab \"\\/\n\t\u0001é😀{}[]:,";
        StringBuilder text = new StringBuilder();
        for (int k = random.nextInt(8); k > 0; k--) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
