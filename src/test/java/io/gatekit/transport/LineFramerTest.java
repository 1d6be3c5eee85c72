package io.gatekit.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineFramerTest {

    private static List<String> frames(InputStream in, int max) throws IOException {
        LineFramer framer = new LineFramer(in, max);
        List<String> out = new ArrayList<>();
        Frame frame;
        while ((frame = framer.next()) != null) {
            out.add(switch (frame) {
                case Frame.Data d -> new String(d.bytes(), 0, d.length(), StandardCharsets.UTF_8);
                case Frame.Oversized o -> "OVERSIZED:" + o.length();
            });
        }
        return out;
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A stream that returns at most {@code chunk} bytes per read, to cut lines at every possible place. */
    private static InputStream trickle(String text, int chunk) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        return new InputStream() {
            int position;

            @Override
            public int read() {
                return position < data.length ? data[position++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= data.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, chunk), data.length - position);
                System.arraycopy(data, position, b, off, n);
                position += n;
                return n;
            }
        };
    }

    @Test
    void next_splitsOnNewline_dropsCr_skipsBlankLines_keepsFinalUnterminatedLine() throws IOException {
        assertThat(frames(bytes("a\r\n\n  \nb\nc"), 100)).containsExactly("a", "b", "c");
    }

    @Test
    void next_oversizedLine_isReportedAndSkipped_streamStaysUsable() throws IOException {
        String text = "short\n" + "x".repeat(50) + "\nafter\n" + "y".repeat(30);
        assertThat(frames(bytes(text), 10)).containsExactly("short", "OVERSIZED:50", "after", "OVERSIZED:30");
    }

    @Test
    void next_sameFramesWhateverTheReadBoundaries() throws IOException {
        Random random = new Random(42);
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String line = "{\"n\":" + i + ",\"pad\":\"" + "é".repeat(random.nextInt(200)) + "\"}";
            text.append(line).append(random.nextBoolean() ? "\n" : "\r\n");
            expected.add(line);
        }
        for (int chunk : new int[] {1, 2, 7, 64, 4096, 1 << 20}) {
            assertThat(frames(trickle(text.toString(), chunk), 1 << 20)).as("chunk %d", chunk).isEqualTo(expected);
        }
    }

    @Test
    void next_lineExactlyAtLimit_isAccepted_oneMoreByteIsNot() throws IOException {
        assertThat(frames(bytes("12345\n123456\n"), 5)).containsExactly("12345", "OVERSIZED:6");
    }
}
