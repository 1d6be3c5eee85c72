package io.gatekit.config;

import java.math.BigInteger;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Types an unquoted scalar the way the YAML 1.2 core schema would have, had the text been written literally.
 * Used after interpolation so {@code port: ${PORT}} yields a number while {@code port: "${PORT}"} stays a
 * string, exactly as the same line would with the value typed in. Hex, octal, .inf and .nan stay strings.
 */
final class PlainScalars {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern NULL = Pattern.compile("|~|null|Null|NULL");
    private static final Pattern BOOLEAN = Pattern.compile("true|True|TRUE|false|False|FALSE");
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

    private PlainScalars() {}

    static JsonNode resolve(String text) {
        if (NULL.matcher(text).matches()) {
            return NODES.nullNode();
        }
        if (BOOLEAN.matcher(text).matches()) {
            return NODES.booleanNode(text.charAt(0) == 't' || text.charAt(0) == 'T');
        }
        if (INTEGER.matcher(text).matches()) {
            BigInteger value = new BigInteger(text);
            return value.bitLength() < 32 ? NODES.numberNode(value.intValue())
                    : value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
        }
        if (FLOAT.matcher(text).matches()) {
            return NODES.numberNode(Double.parseDouble(text));
        }
        return NODES.stringNode(text);
    }
}
