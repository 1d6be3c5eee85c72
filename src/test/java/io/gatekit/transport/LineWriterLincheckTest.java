package io.gatekit.transport;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * {@link LineWriter} under real concurrency: thread 0 writes as a virtual thread does (through the queue and the
 * writer thread), thread 1 as a connection's reader does (directly into the buffer, flushing before it would
 * block). After every execution the output must hold each frame exactly once, whole, and each thread's frames
 * in the order it wrote them: a reader that forwards a request and then its cancellation must not have them
 * swapped. Stress mode only: the writer's own platform thread is outside what the model checker controls.
 */
class LineWriterLincheckTest {

    /** The writer's output, with a blocking wait for the last frame (a spinning one starved the writer thread). */
    static final class Sink extends ByteArrayOutputStream {
        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            super.write(bytes, offset, length);
            notifyAll();
        }

        synchronized String awaitEnd() throws InterruptedException {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            String output;
            while (!(output = toString(StandardCharsets.US_ASCII)).endsWith("end\n")) {
                long left = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("the writer thread wrote nothing more within 60 s:\n" + output);
                }
                wait(left);
            }
            return output;
        }
    }

    public static class WriterModel {
        private final Sink sink = new Sink();
        // A queue of two, so that writers meet a full queue and the reader meets a non-empty one.
        private final LineWriter writer = new LineWriter(sink, "lincheck", 2, e -> {});
        private final int[] written = new int[2];
        private static final byte[] END = "end".getBytes(StandardCharsets.US_ASCII);

        @Operation
        public boolean write(@Param(gen = ThreadIdGen.class) int thread) {
            if (thread == 1) {
                LineWriter.enableDirectWritesOnce();
            } else {
                LineWriter.disableDirectWrites();
            }
            int seq = written[thread]++;
            return writer.write(("t" + thread + "-" + seq).getBytes(StandardCharsets.US_ASCII));
        }

        @Operation
        public void flush(@Param(gen = ThreadIdGen.class) int thread) {
            LineWriter.flushDirectWrites();
        }

        @Validate
        public void everyFrameOnceWholeAndInItsThreadsOrder() throws InterruptedException {
            // A last frame through the queue: once it is out, the writer thread has flushed everything before it,
            // the reader's unflushed direct writes included. (close() gives up after a second, and on a busy
            // machine Lincheck's spinning threads can starve the writer thread for longer than that.)
            LineWriter.disableDirectWrites();
            writer.write(END);
            String output = sink.awaitEnd();
            writer.close();
            int[] next = new int[2];
            for (String line : output.split("\n", -1)) {
                if (line.isEmpty() || line.equals("end")) {
                    continue;
                }
                if (!line.matches("t[01]-\\d+")) {
                    throw new AssertionError("torn or interleaved frame '" + line + "' in:\n" + output);
                }
                int thread = line.charAt(1) - '0';
                int seq = Integer.parseInt(line.substring(3));
                if (seq != next[thread]) {
                    throw new AssertionError("thread " + thread + " wrote frame " + next[thread] + " next, but "
                            + line + " came first in:\n" + output);
                }
                next[thread]++;
            }
            for (int thread = 0; thread < 2; thread++) {
                if (next[thread] != written[thread]) {
                    throw new AssertionError("thread " + thread + " wrote " + written[thread] + " frames, "
                            + next[thread] + " arrived:\n" + output);
                }
            }
        }
    }

    @Test
    void framesArriveWholeOnceAndInEachWritersOrder() {
        assertThatCode(() -> new StressOptions().iterations(3).invocationsPerIteration(50)
                .threads(2).actorsPerThread(5).check(WriterModel.class))
                .doesNotThrowAnyException();
    }
}
