package io.gatekit.bench;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The calibration point of the stdio benchmark: a process that sits where the gateway sits but does no work
 * beyond moving bytes. It starts the command given as its arguments and copies its own stdin to the child's
 * stdin and the child's stdout to its own stdout, chunk by chunk, without looking at the bytes (no framing, no
 * parsing). Each chunk read is written and flushed at once, so batching is whatever the pipes deliver. The
 * child's stderr is inherited.
 *
 * <p>Usage: {@code java -cp ... io.gatekit.bench.ByteRelay <command> [args...]}. Ends when its stdin ends (after
 * closing the child's stdin and waiting a bounded time for the child) or when the child's stdout ends.
 */
public final class ByteRelay {
    private static final int CHUNK = 64 * 1024;

    private ByteRelay() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: ByteRelay <command> [args...]");
            System.exit(2);
        }
        Process child = new ProcessBuilder(List.of(args))
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        InputStream ourIn = new FileInputStream(FileDescriptor.in);
        OutputStream ourOut = new FileOutputStream(FileDescriptor.out);
        // Platform threads: a blocking pipe read or write must not pin a virtual thread's carrier.
        Thread down = Thread.ofPlatform().name("relay-to-child").start(() -> copy(ourIn, child.getOutputStream()));
        Thread up = Thread.ofPlatform().daemon().name("relay-from-child").start(() -> copy(child.getInputStream(), ourOut));
        down.join();
        // Our stdin ended (copy closed the child's stdin): give the child a bounded time to finish and answer.
        if (!child.waitFor(10, TimeUnit.SECONDS)) {
            child.destroy();
            if (!child.waitFor(5, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        up.join(2_000);
        System.exit(0);
    }

    /** Copies until end of input, flushing every chunk, then closes the output. */
    private static void copy(InputStream in, OutputStream out) {
        byte[] buffer = new byte[CHUNK];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the other side went away: nothing left to relay
        } finally {
            try {
                out.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
