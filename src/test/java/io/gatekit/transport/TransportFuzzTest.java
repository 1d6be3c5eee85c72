package io.gatekit.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Fuzz targets for the two byte-stream readers (ADR 0026): newline framing (stdio, to clients and upstream
 * processes) and Server-Sent Events (an upstream's HTTP answers). Each is compared with a plain reference reading
 * of the same bytes, whatever sizes the reads come in; seeds under
 * {@code src/test/resources/io/gatekit/transport/TransportFuzzTestInputs/}.
 */
class TransportFuzzTest {

    @FuzzTest
    void lineFraming(FuzzedDataProvider data) throws IOException {
        int limit = data.consumeInt(1, 64);
        int[] reads = readSizes(data);
        byte[] stream = data.consumeRemainingAsBytes();
        List<String> framed = new ArrayList<>();
        LineFramer framer = new LineFramer(new Trickle(stream, reads), limit);
        Frame frame;
        while ((frame = framer.next()) != null) {
            framed.add(switch (frame) {
                case Frame.Data d -> "data:" + Arrays.toString(Arrays.copyOf(d.bytes(), d.length()));
                case Frame.Oversized o -> "oversized:" + o.length();
            });
        }
        assertThat(framed).isEqualTo(referenceFrames(stream, limit));
    }

    @FuzzTest
    void serverSentEvents(FuzzedDataProvider data) {
        int limit = data.consumeInt(1, 256);
        int[] reads = readSizes(data);
        byte[] stream = data.consumeRemainingAsBytes();
        SseReader reader = new SseReader(new Trickle(stream, reads), limit);
        List<SseReader.Event> events = new ArrayList<>();
        try {
            SseReader.Event event;
            while ((event = reader.next()) != null) {
                // Bounded in bytes read; malformed bytes become U+FFFD, so count characters, not re-encoded bytes.
                assertThat(event.data().length()).isLessThanOrEqualTo(limit);
                events.add(event);
            }
        } catch (IOException overLimit) {
            assertThat(overLimit).hasMessageStartingWith("SSE");
            return;
        }
        assertThat(events).isEqualTo(referenceEvents(new String(stream, StandardCharsets.UTF_8)));
    }

    private static int[] readSizes(FuzzedDataProvider data) {
        int[] sizes = new int[data.consumeInt(1, 8)];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = data.consumeInt(1, 100_000);
        }
        return sizes;
    }

    /** The framing rules read plainly: split at LF, drop one trailing CR, skip blank lines, count oversized ones. */
    private static List<String> referenceFrames(byte[] stream, int limit) {
        List<String> frames = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= stream.length; i++) {
            if (i < stream.length && stream[i] != '\n') {
                continue;
            }
            if (i == stream.length && start == i) {
                break;
            }
            int rawLength = i - start;
            int end = i > start && stream[i - 1] == '\r' ? i - 1 : i;
            if (rawLength > limit) {
                frames.add("oversized:" + rawLength);
            } else if (!blank(stream, start, end)) {
                frames.add("data:" + Arrays.toString(Arrays.copyOfRange(stream, start, end)));
            }
            start = i + 1;
        }
        return frames;
    }

    private static boolean blank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** The SSE rules read plainly from the whole text: lines end at CRLF, LF or CR; an event ends at a blank line. */
    private static List<SseReader.Event> referenceEvents(String text) {
        List<SseReader.Event> events = new ArrayList<>();
        String[] lines = text.split("\r\n|\n|\r", -1);
        // The last piece has no line end: it is never a complete line, but its bytes would still have been a line
        // at the end of the stream, which cannot dispatch an event (an event needs a blank line after it).
        @Nullable String id = null;
        @Nullable String type = null;
        StringBuilder payload = new StringBuilder();
        boolean hasData = false;
        for (int n = 0; n < lines.length - 1; n++) {
            String line = lines[n];
            if (line.isEmpty()) {
                if (hasData) {
                    events.add(new SseReader.Event(id, type, payload.toString()));
                }
                payload.setLength(0);
                hasData = false;
                type = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            value = value.startsWith(" ") ? value.substring(1) : value;
            switch (field) {
                case "data" -> {
                    payload.append(hasData ? "\n" : "").append(value);
                    hasData = true;
                }
                case "id" -> id = value.indexOf('\0') < 0 ? value : id;
                case "event" -> type = value;
                default -> { }
            }
        }
        return events;
    }

    /** Hands the stream out in reads of the given sizes, in turn: every possible cut of a line or an event. */
    private static final class Trickle extends InputStream {
        private final byte[] bytes;
        private final int[] sizes;
        private int position;
        private int turn;

        Trickle(byte[] bytes, int[] sizes) {
            this.bytes = bytes;
            this.sizes = sizes;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (position == bytes.length) {
                return -1;
            }
            int count = Math.min(Math.min(length, sizes[turn++ % sizes.length]), bytes.length - position);
            System.arraycopy(bytes, position, into, offset, count);
            position += count;
            return count;
        }
    }
}
