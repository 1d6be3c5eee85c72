package io.gatekit.transport;

import java.time.Duration;

/**
 * How much a peer that stops reading may cost before it is given up on (ADR 0026): {@code maxQueuedBytes} of frames
 * waiting to be written to it, or one write to it stuck for {@code maxStall}. Without a limit a writer applies
 * back-pressure instead: its writers block (right for an upstream process, whose slowness is everyone's; wrong
 * for one client, whose slowness would stall the upstream reader that answers every client).
 */
public record SlowReaderLimit(long maxQueuedBytes, Duration maxStall) {
    /** Over this many seconds of a write that does not move, a client is not reading. */
    static final Duration DEFAULT_MAX_STALL = Duration.ofSeconds(30);

    public SlowReaderLimit {
        if (maxQueuedBytes < 1) {
            throw new IllegalArgumentException("maxQueuedBytes must be positive, got " + maxQueuedBytes);
        }
        if (maxStall.isNegative() || maxStall.isZero()) {
            throw new IllegalArgumentException("maxStall must be positive, got " + maxStall);
        }
    }

    /** A client's limit: room for a few messages of the largest size allowed, at least 64 MiB; 30 s of stall. */
    public static SlowReaderLimit forClient(int maxMessageBytes) {
        return new SlowReaderLimit(Math.max(64L << 20, 4L * maxMessageBytes), DEFAULT_MAX_STALL);
    }
}
