package io.gatekit.transport;

/** One unit read by a framer: a complete frame, or the size of one that was too large and was skipped. */
public sealed interface Frame {

    /**
     * A complete frame; {@code bytes[0..length)} is the payload, without the line terminator. An array component
     * on purpose: the framer hands over its bytes without a copy, and frames are consumed, never compared.
     */
    @SuppressWarnings("ArrayRecordComponent")
    record Data(byte[] bytes, int length) implements Frame {}

    /** A frame longer than the limit; its bytes were discarded up to the next terminator. */
    record Oversized(long length, int limit) implements Frame {}
}
