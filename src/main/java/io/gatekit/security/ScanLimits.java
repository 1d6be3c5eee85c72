package io.gatekit.security;

/**
 * The bounds that keep scanning one message cheap whatever it holds (the Python Gatekit's figures). Base64 limits
 * apply to the whole message, not to each string, so many small values cannot multiply the work.
 */
final class ScanLimits {
    /** Text (UTF-8 bytes of every scanned value) beyond which a message is blocked unscanned. */
    static final int MAX_CONTENT_BYTES = 1024 * 1024;
    /** Base64 candidates looked at per message; the rest are not decoded. */
    static final int MAX_BASE64_CANDIDATES = 50;
    /** Decoded bytes per message; decoding stops once they are used up. */
    static final int MAX_BASE64_TOTAL_BYTES = 100 * 1024;
    /** A candidate that would decode to more than this is left alone (likely a file, too big to be a key). */
    static final int MAX_BASE64_DECODE_BYTES = 10 * 1024;
    /** The shortest run of base64 characters taken as a candidate. */
    static final int MIN_BASE64_CANDIDATE = 12;
    /** Decoded text shorter than this is not scanned (nothing meaningful fits). */
    static final int MIN_DECODED_CHARS = 5;

    private ScanLimits() {}
}
