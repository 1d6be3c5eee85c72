package io.gatekit.jsonrpc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the envelope of the two messages that dominate a gateway's traffic straight from the bytes: a success
 * response ({@code result} kept raw) and a plain {@code tools/call} request ({@code params} of {@code name} and
 * {@code arguments}, the arguments kept raw). Nothing else is built, which is what makes a forwarded message cheap
 * (ADR 0002). The values passed on raw are still checked to be well-formed JSON (strings, escapes, numbers,
 * literals, nesting) without a key repeated within one object (ADR 0014), so a malformed or ambiguous one is not
 * relayed. Anything unusual (escapes in a key, name or method, an {@code error}, {@code _meta}, a duplicate member,
 * a fractional id, a nesting deeper than 512) gives null: the caller then takes the full parser, with its precise
 * errors. One instance per call; not thread-safe.
 */
final class EnvelopeScanner {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 512;
    private static final int LONG_DIGITS = 18;
    /**
     * Thrown to abandon the fast path; preallocated, without a stack trace or suppression list, so it is immutable
     * and shareable, and costs nothing on the hot path (ADR 0007). It never leaves this class.
     */
    @SuppressWarnings("StaticAssignmentOfThrowable")
    private static final RuntimeException UNUSUAL = new RuntimeException("unusual", null, false, false) {};

    private final byte[] b;
    private final int end;
    private int i;
    /** The keys of the objects inside the raw value being skipped, to refuse a repeated one. */
    private final ObjectKeys keys;

    private EnvelopeScanner(byte[] bytes, int offset, int length) {
        this.b = bytes;
        this.i = offset;
        this.end = offset + length;
        this.keys = new ObjectKeys(bytes);
    }

    /** The message, or null when it is not one of the two shapes (or looks unusual in any way). */
    static @Nullable Decoded scan(byte[] bytes, int offset, int length, boolean rawResults, boolean rawArguments) {
        try {
            return new EnvelopeScanner(bytes, offset, length).envelope(rawResults, rawArguments);
        } catch (RuntimeException e) {
            if (e != UNUSUAL) {
                throw e;
            }
            return null;
        }
    }

    /**
     * Whether {@code bytes[offset, offset + length)} is one JSON value the scanner would keep raw: well-formed, and
     * no key in it repeated within its object or spelled with an escape.
     */
    static boolean passesRaw(byte[] bytes, int offset, int length) {
        EnvelopeScanner scanner = new EnvelopeScanner(bytes, offset, length);
        try {
            scanner.skipWhitespace();
            scanner.skipValue(0);
            scanner.skipWhitespace();
            return scanner.i == scanner.end;
        } catch (RuntimeException e) {
            if (e != UNUSUAL) {
                throw e;
            }
            return false;
        }
    }

    private @Nullable Decoded envelope(boolean rawResults, boolean rawArguments) {
        expect('{');
        boolean version = false;
        JsonNode id = null;
        String method = null;
        JsonNode result = null;
        ObjectNode params = null;
        boolean more = peekAfterWhitespace() != '}';
        while (more) {
            int key = key();
            switch (key) {
                case KEY_JSONRPC -> {
                    if (version) {
                        throw UNUSUAL;
                    }
                    expectLiteral(VERSION_VALUE);
                    version = true;
                }
                case KEY_ID -> {
                    if (id != null) {
                        throw UNUSUAL;
                    }
                    id = id();
                }
                case KEY_METHOD -> {
                    if (method != null) {
                        throw UNUSUAL;
                    }
                    method = plainString();
                }
                case KEY_RESULT -> {
                    if (!rawResults || result != null) {
                        throw UNUSUAL;
                    }
                    result = raw();
                }
                case KEY_PARAMS -> {
                    if (!rawArguments || params != null) {
                        throw UNUSUAL;
                    }
                    params = toolCallParams();
                }
                default -> throw UNUSUAL;
            }
            more = memberSeparator();
        }
        i++; // the closing brace
        skipWhitespace();
        return i == end && version ? JsonRpcCodec.hotShape(id, method, result, params) : null;
    }

    /** {@code {"name": "...", "arguments": ...}} in either order, arguments optional; nothing else. */
    private ObjectNode toolCallParams() {
        expect('{');
        ObjectNode params = NODES.objectNode();
        boolean more = peekAfterWhitespace() != '}';
        while (more) {
            switch (key()) {
                case KEY_NAME -> {
                    if (params.has("name")) {
                        throw UNUSUAL;
                    }
                    params.set("name", NODES.stringNode(plainString()));
                }
                case KEY_ARGUMENTS -> {
                    if (params.has("arguments")) {
                        throw UNUSUAL;
                    }
                    params.set("arguments", raw());
                }
                default -> throw UNUSUAL;
            }
            more = memberSeparator();
        }
        i++;
        if (!params.has("name")) {
            throw UNUSUAL;
        }
        return params;
    }

    // --- the members the envelope knows, recognised without making strings ---

    private static final int KEY_JSONRPC = 1;
    private static final int KEY_ID = 2;
    private static final int KEY_METHOD = 3;
    private static final int KEY_RESULT = 4;
    private static final int KEY_PARAMS = 5;
    private static final int KEY_NAME = 6;
    private static final int KEY_ARGUMENTS = 7;
    private static final byte[][] KEYS = {null, ascii("jsonrpc"), ascii("id"), ascii("method"), ascii("result"),
            ascii("params"), ascii("name"), ascii("arguments")};
    private static final byte[] VERSION_VALUE = ascii("\"2.0\"");

    /** Reads {@code "key":} and says which known key it is (0 for any other). */
    private int key() {
        int start = plainStringBody();
        int length = i - 1 - start;
        skipWhitespace();
        expectByte(':');
        // The length and first letter name the one candidate; a single comparison confirms it.
        int candidate = switch (length) {
            case 2 -> KEY_ID;
            case 4 -> KEY_NAME;
            case 6 -> b[start] == 'm' ? KEY_METHOD : b[start] == 'r' ? KEY_RESULT : KEY_PARAMS;
            case 7 -> KEY_JSONRPC;
            case 9 -> KEY_ARGUMENTS;
            default -> 0;
        };
        return candidate != 0 && Arrays.equals(b, start, start + length, KEYS[candidate], 0, length) ? candidate : 0;
    }

    /** After a member: true at a comma (another member follows), false at the closing brace (not consumed). */
    private boolean memberSeparator() {
        skipWhitespace();
        if (cur() == ',') {
            i++;
            return true;
        }
        if (cur() == '}') {
            return false;
        }
        throw UNUSUAL;
    }

    private JsonNode id() {
        skipWhitespace();
        if (cur() == '"') {
            return NODES.stringNode(plainString());
        }
        boolean negative = cur() == '-';
        if (negative) {
            i++;
        }
        int digitsStart = i;
        long value = 0;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            value = value * 10 + (cur() - '0');
            i++;
        }
        int digits = i - digitsStart;
        if (digits == 0 || digits > LONG_DIGITS || (digits > 1 && b[digitsStart] == '0')
                || (i < end && (b[i] == '.' || b[i] == 'e' || b[i] == 'E'))) {
            throw UNUSUAL; // fractions, exponents, leading zeros and very long ids take the full path
        }
        value = negative ? -value : value;
        return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? NODES.numberNode((int) value)
                : NODES.numberNode(value);
    }

    /** A string without escapes or control characters (ASCII or UTF-8), as a Java string. */
    private String plainString() {
        int start = plainStringBody();
        return new String(b, start, i - 1 - start, StandardCharsets.UTF_8);
    }

    /** Steps over a string without escapes or control characters; returns where its text starts. */
    private int plainStringBody() {
        skipWhitespace();
        expectByte('"');
        int start = i;
        while (cur() != '"') {
            int c = cur() & 0xff;
            if (c == '\\' || c < 0x20) {
                throw UNUSUAL;
            }
            i = c < 0x80 ? i + 1 : afterMultiByte(c);
        }
        i++;
        return start;
    }

    /**
     * Steps over one multi-byte UTF-8 character starting with {@code lead} at {@code i}; anything but well-formed UTF-8
     * (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF) gives up, so the full parser makes the parse
     * error. Found by fuzzing: without this check, malformed bytes inside a string were passed on raw to the upstream.
     */
    private int afterMultiByte(int lead) {
        int length;
        int min;
        if (lead >= 0xc2 && lead <= 0xdf) {
            length = 2;
            min = 0x80;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            length = 3;
            min = 0x800;
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            length = 4;
            min = 0x10000;
        } else {
            throw UNUSUAL;
        }
        int code = lead & (0xff >> (length + 1));
        for (int k = 1; k < length; k++) {
            int next = at(i + k) & 0xff;
            if ((next & 0xc0) != 0x80) {
                throw UNUSUAL;
            }
            code = (code << 6) | (next & 0x3f);
        }
        if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
            throw UNUSUAL;
        }
        return i + length;
    }

    /** The next value, checked to be well-formed, as a raw node over a copy of its bytes. */
    private JsonNode raw() {
        skipWhitespace();
        int start = i;
        skipValue(0);
        return new RawJson(Arrays.copyOfRange(b, start, i), 0, i - start).node();
    }

    private void skipValue(int depth) {
        switch (cur()) {
            case '{' -> skipContainer(depth, '}', true);
            case '[' -> skipContainer(depth, ']', false);
            case '"' -> skipString(false);
            case 't' -> expectLiteral(TRUE);
            case 'f' -> expectLiteral(FALSE);
            case 'n' -> expectLiteral(NULL);
            default -> skipNumber();
        }
    }

    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] NULL = ascii("null");

    private void skipContainer(int depth, char close, boolean object) {
        if (depth >= MAX_DEPTH) {
            throw UNUSUAL;
        }
        i++;
        skipWhitespace();
        if (cur() == close) {
            i++;
            return;
        }
        if (object) {
            keys.open();
        }
        while (true) {
            if (object) {
                skipWhitespace();
                int start = i + 1;
                skipString(true);
                if (!keys.add(start, i - 1)) {
                    throw UNUSUAL;
                }
                skipWhitespace();
                expectByte(':');
            }
            skipWhitespace();
            skipValue(depth + 1);
            skipWhitespace();
            if (cur() == ',') {
                i++;
                skipWhitespace();
                continue;
            }
            expectByte(close);
            if (object) {
                keys.close();
            }
            return;
        }
    }

    /**
     * Steps over a string. An escape in a member's key gives up: the full parser compares keys after unescaping
     * (a key and its escaped spelling are the same key), {@link ObjectKeys} compares bytes.
     */
    private void skipString(boolean key) {
        expectByte('"');
        while (true) {
            int c = cur() & 0xff;
            if (c == '"') {
                i++;
                return;
            }
            if (c < 0x20) {
                throw UNUSUAL;
            }
            if (c == '\\') {
                if (key) {
                    throw UNUSUAL;
                }
                i++;
                switch (cur()) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i++;
                    case 'u' -> {
                        for (int k = 1; k <= 4; k++) {
                            if (Character.digit(at(i + k), 16) < 0) {
                                throw UNUSUAL;
                            }
                        }
                        i += 5;
                    }
                    default -> throw UNUSUAL;
                }
                continue;
            }
            i = c < 0x80 ? i + 1 : afterMultiByte(c);
        }
    }

    /** JSON's number grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
    private void skipNumber() {
        if (cur() == '-') {
            i++;
        }
        if (cur() == '0') {
            i++;
        } else {
            requireDigits();
        }
        if (i < end && b[i] == '.') {
            i++;
            requireDigits();
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (cur() == '+' || cur() == '-') {
                i++;
            }
            requireDigits();
        }
    }

    private void requireDigits() {
        int start = i;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        if (i == start) {
            throw UNUSUAL;
        }
    }

    private void expectLiteral(byte[] literal) {
        skipWhitespace();
        if (i + literal.length > end || !Arrays.equals(b, i, i + literal.length, literal, 0, literal.length)) {
            throw UNUSUAL;
        }
        i += literal.length;
    }

    private void expect(char c) {
        skipWhitespace();
        expectByte(c);
    }

    private void expectByte(char c) {
        if (i >= end || b[i] != c) {
            throw UNUSUAL;
        }
        i++;
    }

    private int peekAfterWhitespace() {
        skipWhitespace();
        return i < end ? b[i] : -1;
    }

    private void skipWhitespace() {
        while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
    }

    /** The byte at the cursor; past the end of this message (the buffer may hold the next one) is unusual. */
    private byte cur() {
        return at(i);
    }

    private byte at(int index) {
        if (index >= end) {
            throw UNUSUAL;
        }
        return b[index];
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
