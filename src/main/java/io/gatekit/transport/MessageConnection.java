package io.gatekit.transport;

import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON-RPC connection over a pair of byte streams with newline framing: stdio to a client or to an upstream
 * process, or a loopback socket. One thread reads and decodes; sends are encoded on the caller's thread and
 * written by a {@link LineWriter}. This is the one place where messages are framed.
 *
 * <p>The reader is a platform thread: a blocking read on a pipe pins a virtual thread's carrier, and with a
 * carrier per core a few idle pipes would starve every virtual thread (seen on 2 cores; see docs/adr/0002).
 *
 * <p>Concurrency: the reader thread alone decodes and calls the handler; sends come from any thread through the
 * thread-safe {@link LineWriter}. {@code started} is atomic, so the reader starts once.
 */
public final class MessageConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MessageConnection.class);

    private final String name;
    private final InputStream in;
    private final JsonRpcCodec codec;
    private final int maxMessageBytes;
    private final LineWriter writer;
    private final AtomicBoolean started = new AtomicBoolean();

    public MessageConnection(String name, InputStream in, OutputStream out, JsonRpcCodec codec, int maxMessageBytes) {
        this(name, in, out, codec, maxMessageBytes, null, () -> { });
    }

    /**
     * @param limit what a peer that stops reading may cost (see {@link LineWriter}); null: writers wait for it
     * @param onSlowReader runs once when the peer is given up on for exceeding {@code limit}
     */
    public MessageConnection(String name, InputStream in, OutputStream out, JsonRpcCodec codec, int maxMessageBytes,
            @Nullable SlowReaderLimit limit, Runnable onSlowReader) {
        this.name = name;
        this.in = in;
        this.codec = codec;
        this.maxMessageBytes = maxMessageBytes;
        this.writer = new LineWriter(out, name, 16_384, limit, e -> {
            if (e instanceof LineWriter.SlowReaderException) {
                onSlowReader.run();
            } else {
                log.debug("connection {}: write failed: {}", name, e.toString());
            }
        });
    }

    public String name() {
        return name;
    }

    /** Starts the reader thread; every frame goes to {@code handler}. */
    public void start(MessageHandler handler) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("connection " + name + " already started");
        }
        Thread.ofPlatform().daemon().name("gatekit-reader-" + name).start(() -> readLoop(handler));
    }

    /** Encodes and queues a message; false if the connection can no longer write. */
    public boolean send(JsonRpcMessage message) {
        return writer.write(codec.encode(message));
    }



    private void readLoop(MessageHandler handler) {
        LineWriter.enableDirectWrites();
        LineFramer framer = new LineFramer(in, maxMessageBytes);
        Throwable cause = null;
        try {
            Frame frame;
            while ((frame = framer.next()) != null) {
                switch (frame) {
                    case Frame.Data data -> handler.onMessage(codec.decode(data.bytes(), 0, data.length()));
                    case Frame.Oversized oversized -> handler.onOversized(oversized);
                }
            }
        } catch (IOException e) {
            cause = e;
        } catch (RuntimeException e) {
            log.error("connection {}: reader failed", name, e);
            cause = e;
        } finally {
            LineWriter.flushDirectWrites();
            handler.onClosed(cause);
            LineWriter.flushDirectWrites();
        }
    }

    /** Flushes queued output and closes both directions. */
    @Override
    public void close() {
        writer.close();
        try {
            in.close();
        } catch (IOException ignored) {
            // closing is best effort: the stream may already be gone
        }
    }
}
