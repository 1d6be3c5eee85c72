package io.gatekit.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads Server-Sent Events from a stream (the WHATWG rules MCP's Streamable HTTP uses): {@code data:} lines
 * joined with newlines, {@code id:}, {@code event:}, comments ignored, an event dispatched at a blank line.
 * Lines and events are bounded, so a hostile or broken peer cannot exhaust memory. Not thread-safe.
 */
public final class SseReader {

    /** One event; {@code id} and {@code event} are null when the event did not set them. */
    public record Event(@Nullable String id, @Nullable String event, String data) {}

    private final InputStream in;
    private final int maxEventBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    /** The UTF-8 size of {@code data}: the bound is on bytes, and a character may take up to four. */
    private int dataBytes;
    private @Nullable String id;
    private @Nullable String event;
    private long retryMillis = -1;
    private boolean hasData;
    private int pushedBack = -1;

    public SseReader(InputStream in, int maxEventBytes) {
        this.in = in;
        this.maxEventBytes = maxEventBytes;
    }

    /** The next event, or null at the end of the stream. Throws IOException for an event over the limit. */
    public @Nullable Event next() throws IOException {
        String text;
        while ((text = readLine()) != null) {
            if (text.isEmpty()) {
                if (hasData) {
                    Event done = new Event(id, event, data.toString());
                    data.setLength(0);
                    dataBytes = 0;
                    hasData = false;
                    event = null;
                    return done;
                }
                event = null;
                continue;
            }
            if (text.charAt(0) == ':') {
                continue;
            }
            int colon = text.indexOf(':');
            String field = colon < 0 ? text : text.substring(0, colon);
            String value = colon < 0 ? "" : text.substring(colon + 1);
            boolean spaced = value.startsWith(" ");
            if (spaced) {
                value = value.substring(1);
            }
            switch (field) {
                case "data" -> {
                    if (hasData) {
                        data.append('\n');
                        dataBytes++;
                    }
                    data.append(value);
                    hasData = true;
                    // "data" is ASCII, so the value's UTF-8 bytes are the line's bytes after "data:" and the space
                    dataBytes += colon < 0 ? 0 : line.size() - colon - 1 - (spaced ? 1 : 0);
                    if (dataBytes > maxEventBytes) {
                        throw new IOException("SSE event larger than " + maxEventBytes + " bytes");
                    }
                }
                case "id" -> id = value.indexOf('\0') < 0 ? value : id;
                case "event" -> event = value;
                case "retry" -> retryMillis = retryValue(value, retryMillis);
                default -> {
                    // unknown fields are ignored, as the SSE rules say
                }
            }
        }
        return null;
    }

    /**
     * The reconnection time the stream last set with a {@code retry:} field, in milliseconds, or -1 if it set none.
     * A client that resumes the stream waits this long first (MCP 2025-11-25, SSE polling).
     */
    public long retryMillis() {
        return retryMillis;
    }

    /** The SSE rule: a value of ASCII digits only sets the reconnection time; anything else is ignored. */
    private static long retryValue(String value, long previous) {
        if (value.isEmpty() || value.length() > 9) {
            return previous; // over 9 digits (11 days) is no useful reconnection time; keep the arithmetic safe
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return previous;
            }
        }
        return Long.parseLong(value);
    }

    private @Nullable String readLine() throws IOException {
        line.reset();
        while (true) {
            int b = pushedBack >= 0 ? pushedBack : in.read();
            pushedBack = -1;
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\r') {
                int next = in.read();
                if (next != '\n' && next >= 0) {
                    pushedBack = next;
                }
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
            if (line.size() > maxEventBytes) {
                throw new IOException("SSE line longer than " + maxEventBytes + " bytes");
            }
        }
    }
}
