package io.gatekit.jsonrpc;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON object still kept as raw bytes ({@link RawJson}) with its top-level members located, for code that needs
 * one member or a small change without reading the whole value into a tree and writing it out again: a plugin that
 * appends an element to a result's {@code content} array splices its bytes in ({@link #withAppended}); one that
 * reports a size takes {@link #length}. The codec has already checked the bytes well-formed, with no key repeated
 * and none escaped (ADR 0007, ADR 0014), so the member names compare as plain bytes. Immutable.
 */
public final class RawObject {
    private static final JsonMapper JSON = JsonMapper.shared();

    private final RawJson raw;
    /** Per top-level member: name start, name end (exclusive, quotes excluded), value start, value end. */
    private final int[] members;
    private final int count;

    private RawObject(RawJson raw, int[] members, int count) {
        this.raw = raw;
        this.members = members;
        this.count = count;
    }

    /**
     * The object inside {@code node} when it is an object kept as raw bytes; null for a tree, a raw value of
     * another type, or anything this reader does not expect (then the caller takes the tree path).
     */
    public static @Nullable RawObject of(@Nullable JsonNode node) {
        RawJson raw = RawJson.of(node);
        return raw == null ? null : new Reader(raw).object();
    }

    /** The length of the object's JSON text in bytes, as it arrived. */
    public int length() {
        return raw.length();
    }

    /** The object's JSON text as it arrived. */
    public String text() {
        return raw.getValue();
    }

    /**
     * Whether the text has no white space between tokens, so that it reads as a compact encoder would write it
     * (spacing aside, it is the sender's own text: number spellings and string escapes are theirs).
     */
    public boolean compact() {
        byte[] bytes = raw.bytes();
        boolean inString = false;
        for (int i = raw.offset(), stop = raw.offset() + raw.length(); i < stop; i++) {
            byte b = bytes[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (Reader.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the object has a top-level member {@code name}. */
    public boolean has(String name) {
        return find(name) >= 0;
    }

    /** The value of top-level member {@code name} read into a tree (small values only, by intent); null when absent. */
    public @Nullable JsonNode member(String name) {
        int at = find(name);
        if (at < 0) {
            return null;
        }
        int start = members[at + 2];
        return JSON.readTree(raw.bytes(), start, members[at + 3] - start);
    }

    /**
     * This object with {@code elementJson} (one JSON value, compact) appended to its top-level array {@code name},
     * as a new raw node: the bytes before and after the array's end are copied, nothing is parsed. Null when the
     * object has no such member or it is not an array.
     */
    public @Nullable JsonNode withAppended(String name, byte[] elementJson) {
        int at = find(name);
        if (at < 0) {
            return null;
        }
        byte[] bytes = raw.bytes();
        int start = members[at + 2];
        int close = members[at + 3] - 1;
        if (bytes[start] != '[' || bytes[close] != ']') {
            return null;
        }
        boolean empty = true;
        for (int i = start + 1; i < close && empty; i++) {
            empty = Reader.isWhitespace(bytes[i]);
        }
        int head = close - raw.offset();
        int separator = empty ? 0 : 1;
        byte[] out = new byte[raw.length() + separator + elementJson.length];
        System.arraycopy(bytes, raw.offset(), out, 0, head);
        if (!empty) {
            out[head] = ',';
        }
        System.arraycopy(elementJson, 0, out, head + separator, elementJson.length);
        System.arraycopy(bytes, close, out, head + separator + elementJson.length, raw.length() - head);
        return new RawJson(out, 0, out.length).node();
    }

    private int find(String name) {
        byte[] bytes = raw.bytes();
        int length = name.length();
        for (int m = 0; m < count * 4; m += 4) {
            int from = members[m];
            if (members[m + 1] - from != length) {
                continue;
            }
            boolean same = true;
            for (int k = 0; k < length && same; k++) {
                same = bytes[from + k] == name.charAt(k);
            }
            if (same) {
                return m;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "RawObject[" + count + " members, " + raw.length() + " bytes]";
    }

    /** One pass over the top level of the bytes; nested values are skipped by bracket depth. */
    private static final class Reader {
        private final RawJson raw;
        private final byte[] bytes;
        private final int stop;
        private int i;

        Reader(RawJson raw) {
            this.raw = raw;
            this.bytes = raw.bytes();
            this.i = raw.offset();
            this.stop = raw.offset() + raw.length();
        }

        static boolean isWhitespace(byte b) {
            return b == ' ' || b == '\n' || b == '\r' || b == '\t';
        }

        @Nullable RawObject object() {
            skipWhitespace();
            if (i >= stop || bytes[i] != '{') {
                return null;
            }
            i++;
            int[] members = new int[16];
            int count = 0;
            skipWhitespace();
            if (i < stop && bytes[i] == '}') {
                return new RawObject(raw, members, 0);
            }
            while (i < stop) {
                if (bytes[i] != '"') {
                    return null;
                }
                int nameStart = i + 1;
                if (!skipString() || hasBackslash(nameStart, i - 1)) {
                    return null; // an escaped name: compare it as text would need decoding
                }
                int nameEnd = i - 1;
                skipWhitespace();
                if (i >= stop || bytes[i] != ':') {
                    return null;
                }
                i++;
                skipWhitespace();
                int valueStart = i;
                if (!skipValue()) {
                    return null;
                }
                if (count * 4 == members.length) {
                    members = Arrays.copyOf(members, members.length * 2);
                }
                members[count * 4] = nameStart;
                members[count * 4 + 1] = nameEnd;
                members[count * 4 + 2] = valueStart;
                members[count * 4 + 3] = i;
                count++;
                skipWhitespace();
                if (i >= stop) {
                    return null;
                }
                if (bytes[i] == '}') {
                    return new RawObject(raw, members, count);
                }
                if (bytes[i] != ',') {
                    return null;
                }
                i++;
                skipWhitespace();
            }
            return null;
        }

        private boolean hasBackslash(int from, int to) {
            for (int k = from; k < to; k++) {
                if (bytes[k] == '\\') {
                    return true;
                }
            }
            return false;
        }

        private void skipWhitespace() {
            while (i < stop && isWhitespace(bytes[i])) {
                i++;
            }
        }

        /** At an opening quote: moves past the closing one; false when the text ends first. */
        private boolean skipString() {
            for (i++; i < stop; i++) {
                byte b = bytes[i];
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    i++;
                    return true;
                }
            }
            return false;
        }

        /** Moves past one value (a nested one by bracket depth, strings skipped whole); false when the text ends first. */
        private boolean skipValue() {
            if (i >= stop) {
                return false;
            }
            byte first = bytes[i];
            if (first == '"') {
                return skipString();
            }
            if (first != '{' && first != '[') {
                while (i < stop && bytes[i] != ',' && bytes[i] != '}' && !isWhitespace(bytes[i])) {
                    i++;
                }
                return i < stop;
            }
            int depth = 0;
            while (i < stop) {
                byte b = bytes[i];
                if (b == '"') {
                    if (!skipString()) {
                        return false;
                    }
                    continue;
                }
                if (b == '{' || b == '[') {
                    depth++;
                } else if (b == '}' || b == ']') {
                    depth--;
                }
                i++;
                if (depth == 0) {
                    return true;
                }
            }
            return false;
        }
    }
}
