package io.gatekit.security;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What scanning one message has used and found so far: the text budget ({@link ScanLimits#MAX_CONTENT_BYTES}),
 * the base64 budget, and how many findings of each kind, in the text itself or only in decoded base64. Made per
 * message and used by one thread; never holds the matched text.
 */
final class MessageScan {
    private long remainingBytes = ScanLimits.MAX_CONTENT_BYTES;
    private boolean oversized;
    private int base64Candidates;
    private long base64DecodedBytes;
    private final Map<String, Integer> counts = new TreeMap<>();
    private boolean foundInBase64;

    /** Charges {@code text} to the budget; false (and {@link #oversized}) once the message has more text than allowed. */
    boolean charge(String text) {
        remainingBytes -= utf8Length(text);
        if (remainingBytes < 0) {
            oversized = true;
        }
        return !oversized;
    }

    boolean oversized() {
        return oversized;
    }

    /** Takes one base64 candidate that decodes to {@code decodedBytes}; false when the message's budget is used up. */
    boolean takeBase64(int decodedBytes) {
        if (base64Candidates >= ScanLimits.MAX_BASE64_CANDIDATES
                || base64DecodedBytes + decodedBytes > ScanLimits.MAX_BASE64_TOTAL_BYTES) {
            return false;
        }
        base64Candidates++;
        base64DecodedBytes += decodedBytes;
        return true;
    }

    /** Counts a candidate that was looked at and not decoded (too big, not a multiple of 4). */
    void skipBase64() {
        base64Candidates++;
    }

    /** Whether no more base64 may be decoded in this message. */
    boolean base64Exhausted() {
        return base64Candidates >= ScanLimits.MAX_BASE64_CANDIDATES
                || base64DecodedBytes >= ScanLimits.MAX_BASE64_TOTAL_BYTES;
    }

    void found(String type) {
        counts.merge(type, 1, Integer::sum);
    }

    /** Something was found in decoded base64: it cannot be redacted in place. */
    void foundInBase64(String type) {
        found(type);
        foundInBase64 = true;
    }

    boolean foundAny() {
        return !counts.isEmpty();
    }

    boolean foundInBase64() {
        return foundInBase64;
    }

    /** The kinds found with their counts, such as {@code email (2), phone (1)}: never the matched text. */
    String summary() {
        StringJoiner joined = new StringJoiner(", ");
        counts.forEach((type, count) -> joined.add(type + " (" + count + ")"));
        return joined.toString();
    }

    /** The same as JSON for an error's data: {@code {"email": 2, "phone": 1}}. */
    ObjectNode countsNode() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        counts.forEach(node::put);
        return node;
    }

    static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
