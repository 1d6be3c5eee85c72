package io.gatekit.security;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Base64 inside text: finding candidates, telling file data (data URLs) apart, and decoding what may hide text,
 * within the message's budget ({@link MessageScan#takeBase64}). Decoded bytes that are not valid UTF-8 are binary
 * and not scanned.
 */
final class Base64Content {
    /** A whole run of base64 characters (the lookarounds make it start and end at the run's edges), padding included. */
    private static final Pattern CANDIDATE = Pattern.compile(
            "(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{" + ScanLimits.MIN_BASE64_CANDIDATE + ",}+={0,2}+(?![A-Za-z0-9+/=])");
    private static final String BASE64_MARKER = ";base64,";
    /** How far before a payload its {@code data:...;base64,} header may start. */
    private static final int MAX_DATA_URL_HEADER = 200;

    private Base64Content() {}

    /**
     * Whether {@code text} is a base64 data URL ({@code data:image/png;base64,...}); then only its header is
     * scanned, as its payload is file data.
     */
    static boolean isDataUrl(String text) {
        return dataUrlHeaderEnd(text) > 0;
    }

    /** The end of a base64 data URL's header (just after the comma), or -1 when {@code text} is not one. */
    static int dataUrlHeaderEnd(String text) {
        if (!text.regionMatches(true, 0, "data:", 0, 5)) {
            return -1;
        }
        int limit = Math.min(text.length(), MAX_DATA_URL_HEADER);
        for (int i = 5; i < limit; i++) {
            char c = text.charAt(i);
            if (c == ',') {
                return i >= BASE64_MARKER.length() - 1
                        && text.regionMatches(true, i + 1 - BASE64_MARKER.length(), BASE64_MARKER, 0, BASE64_MARKER.length())
                        ? i + 1 : -1;
            }
            if (Character.isWhitespace(c)) {
                return -1;
            }
        }
        return -1;
    }

    /** Whether the text at {@code index} is the payload of a data URL embedded in {@code text} ({@code ...data:x;base64,<index>}). */
    static boolean isDataUrlPayload(String text, int index) {
        int markerStart = index - BASE64_MARKER.length();
        if (markerStart < 0 || !text.regionMatches(true, markerStart, BASE64_MARKER, 0, BASE64_MARKER.length())) {
            return false;
        }
        for (int i = markerStart - 1; i >= Math.max(0, index - MAX_DATA_URL_HEADER); i--) {
            char c = text.charAt(i);
            if (c == ',' || Character.isWhitespace(c)) {
                return false;
            }
            if (c == ':' && i >= 4 && text.regionMatches(true, i - 4, "data:", 0, 5)) {
                return true;
            }
        }
        return false;
    }

    /** Whether all of {@code text} (at least {@code minLength} long, a multiple of 4) is base64. */
    static boolean isWhollyBase64(String text, int minLength) {
        int length = text.length();
        if (length < minLength || length % 4 != 0) {
            return false;
        }
        int padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
        for (int i = 0; i < length - padding; i++) {
            char c = text.charAt(i);
            if (!isBase64Char(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBase64Char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    /**
     * Decodes each base64 candidate in {@code text} (runs of at least {@link ScanLimits#MIN_BASE64_CANDIDATE}
     * characters, not a data URL's payload) that decodes to text, while the message's budget lasts.
     */
    static void eachDecodedCandidate(String text, MessageScan budget, Consumer<String> decoded) {
        Matcher candidate = CANDIDATE.matcher(text);
        while (candidate.find() && !budget.base64Exhausted()) {
            if (isDataUrlPayload(text, candidate.start())) {
                continue;
            }
            String plain = decode(text.substring(candidate.start(), candidate.end()), budget);
            if (plain != null) {
                decoded.accept(plain);
            }
        }
    }

    /** The text {@code value} decodes to when all of it is base64 of at least {@code minLength} characters. */
    static @Nullable String decodeWhole(String value, int minLength, MessageScan budget) {
        return isWhollyBase64(value, minLength) ? decode(value, budget) : null;
    }

    private static @Nullable String decode(String value, MessageScan budget) {
        int padding = value.endsWith("==") ? 2 : value.endsWith("=") ? 1 : 0;
        long decodedBytes = value.length() / 4L * 3 - padding;
        if (value.length() % 4 != 0 || decodedBytes > ScanLimits.MAX_BASE64_DECODE_BYTES) {
            budget.skipBase64();
            return null;
        }
        if (!budget.takeBase64((int) decodedBytes)) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return text.length() >= ScanLimits.MIN_DECODED_CHARS ? text : null;
        } catch (CharacterCodingException binary) {
            return null;
        }
    }
}
