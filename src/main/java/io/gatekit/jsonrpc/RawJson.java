package io.gatekit.jsonrpc;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.SerializableString;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.POJONode;
import tools.jackson.databind.util.RawValue;

/**
 * A JSON value kept as the bytes it arrived in: an upstream's {@code result} that the gateway only passes on.
 * Wrapped in a tree node ({@link #node}), Jackson writes it back byte for byte (as a raw value), so a large
 * result costs one copy instead of being tokenized into a tree and serialized again. Code that needs to look
 * inside calls {@link JsonRpcCodec#materialize}. Immutable.
 */
public final class RawJson implements SerializableString {
    private final byte[] bytes;
    private final int offset;
    private final int length;

    RawJson(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
    }

    /** A tree node that serializes as these bytes. */
    JsonNode node() {
        return JsonNodeFactory.instance.rawValueNode(new RawValue(this));
    }

    /** Whether {@code node} is a value kept as raw bytes (not yet read into a tree). */
    public static boolean isRaw(JsonNode node) {
        return of(node) != null;
    }

    /** The raw value inside {@code node}, or null when it is an ordinary tree. */
    static @Nullable RawJson of(@Nullable JsonNode node) {
        return node instanceof POJONode pojo && pojo.getPojo() instanceof RawValue raw
                && raw.rawValue() instanceof RawJson json ? json : null;
    }

    int offset() {
        return offset;
    }

    int length() {
        return length;
    }

    byte[] bytes() {
        return bytes;
    }

    @Override
    public String getValue() {
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
        return getValue().length();
    }

    @Override
    public char[] asQuotedChars() {
        throw new UnsupportedOperationException("raw JSON is never quoted");
    }

    @Override
    public byte[] asUnquotedUTF8() {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    @Override
    public byte[] asQuotedUTF8() {
        throw new UnsupportedOperationException("raw JSON is never quoted");
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int at) {
        throw new UnsupportedOperationException("raw JSON is never quoted");
    }

    @Override
    public int appendQuoted(char[] buffer, int at) {
        throw new UnsupportedOperationException("raw JSON is never quoted");
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int at) {
        if (at + length > buffer.length) {
            return -1;
        }
        System.arraycopy(bytes, offset, buffer, at, length);
        return length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int at) {
        String text = getValue();
        if (at + text.length() > buffer.length) {
            return -1;
        }
        text.getChars(0, text.length(), buffer, at);
        return text.length();
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) {
        throw new UnsupportedOperationException("raw JSON is never quoted");
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        out.write(bytes, offset, length);
        return length;
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
        throw new UnsupportedOperationException("raw JSON is never quoted");
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
        if (buffer.remaining() < length) {
            return -1;
        }
        buffer.put(bytes, offset, length);
        return length;
    }

    @Override
    public String toString() {
        return getValue();
    }
}
