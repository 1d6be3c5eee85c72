package io.gatekit.transport;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Splits a byte stream into newline-delimited frames (MCP stdio framing), each at most {@code maxBytes}.
 * A longer line is skipped, not fatal: the stream stays usable and the caller learns its size. Blank lines
 * are skipped and a trailing CR is dropped. Not thread-safe: one reader thread owns it.
 */
public final class LineFramer {
    private static final int CHUNK = 64 * 1024;

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buffer = new byte[CHUNK];
    private int position;
    private int limit;
    private byte[] pending = new byte[256];
    private int pendingLength;

    public LineFramer(InputStream in, int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next frame, or null at end of stream (a final line without a newline still counts). */
    public @Nullable Frame next() throws IOException {
        long discarded = -1; // >= 0 while skipping an oversized line
        while (true) {
            if (position == limit && !fill()) {
                if (discarded >= 0) {
                    return new Frame.Oversized(discarded + pendingLength, maxBytes);
                }
                if (pendingLength > 0) {
                    Frame last = take(pending, 0, pendingLength);
                    pendingLength = 0;
                    if (last != null) {
                        return last;
                    }
                }
                return null;
            }
            int newline = indexOfNewline(buffer, position, limit);
            int end = newline < 0 ? limit : newline;
            int chunk = end - position;
            if (discarded >= 0) {
                discarded += chunk;
            } else if ((long) pendingLength + chunk > maxBytes) {
                discarded = (long) pendingLength + chunk;
                pendingLength = 0;
            } else if (newline >= 0 && pendingLength == 0) {
                // Fast path: the whole line is in the buffer.
                position = newline + 1;
                Frame frame = take(buffer, end - chunk, chunk);
                if (frame != null) {
                    return frame;
                }
                continue;
            } else {
                append(buffer, position, chunk);
            }
            position = newline < 0 ? limit : newline + 1;
            if (newline >= 0) {
                if (discarded >= 0) {
                    return new Frame.Oversized(discarded, maxBytes);
                }
                Frame frame = take(pending, 0, pendingLength);
                pendingLength = 0;
                if (frame != null) {
                    return frame;
                }
            }
        }
    }

    private boolean fill() throws IOException {
        // About to block on input: first send what handling the previous input wrote (see LineWriter).
        LineWriter.flushDirectWrites();
        int read = in.read(buffer, 0, buffer.length);
        if (read <= 0) {
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }

    private void append(byte[] source, int from, int count) {
        if (pendingLength + count > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + count));
        }
        System.arraycopy(source, from, pending, pendingLength, count);
        pendingLength += count;
    }

    /** Copies a line out, trimming a trailing CR; null for a blank line. */
    private static @Nullable Frame take(byte[] source, int from, int count) {
        int end = from + count;
        if (end > from && source[end - 1] == '\r') {
            end--;
        }
        int start = from;
        while (start < end && isBlank(source[start])) {
            start++;
        }
        if (start == end) {
            return null;
        }
        return new Frame.Data(Arrays.copyOfRange(source, from, end), end - from);
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }

    private static int indexOfNewline(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
