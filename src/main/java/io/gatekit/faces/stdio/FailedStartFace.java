package io.gatekit.faces.stdio;

import io.gatekit.config.LimitsConfig;
import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.transport.Frame;
import io.gatekit.transport.LineFramer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stdio face of a gateway that could not start. A desktop client that launched the gateway shows only a bare
 * disconnect when the process just exits, so this waits, for a bounded time, for the client's first request
 * (normally {@code initialize}), answers it with the error that says what is wrong, and tells the caller how it
 * ended; the caller then exits. Notifications and responses are ignored; a frame that is not valid JSON-RPC gets the
 * codec's usual error. Nothing but JSON-RPC is written.
 *
 * <p>Concurrency: one platform thread reads (a blocking read on a pipe; ADR 0002) and answers; the caller waits for
 * its outcome with a timeout. Whichever of them first sets {@code decided} settles the outcome, so the process never
 * exits in the middle of writing the answer. The reader is a daemon: an exiting process leaves it blocked.
 */
public final class FailedStartFace {
    private static final Logger log = LoggerFactory.getLogger(FailedStartFace.class);

    /** How the wait ended. */
    public enum Outcome {
        /** The first request got the error. */
        ANSWERED,
        /** The client closed its output (our stdin) before sending a request. */
        INPUT_ENDED,
        /** No request arrived within the wait. */
        NO_REQUEST_IN_TIME
    }

    private final InputStream in;
    private final OutputStream out;
    private final JsonRpcError error;
    // The configuration could not be read, so its limit is unknown: the default bounds each frame.
    private final int maxMessageBytes = LimitsConfig.defaults().maxMessageBytes();
    private final JsonRpcCodec codec = new JsonRpcCodec(maxMessageBytes);
    private final AtomicBoolean decided = new AtomicBoolean();
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

    private FailedStartFace(InputStream in, OutputStream out, JsonRpcError error) {
        this.in = in;
        this.out = out;
        this.error = error;
    }

    /**
     * Reads {@code in} until the first request, which gets {@code error} on {@code out}, until {@code in} ends, or
     * until {@code wait} is over, whichever comes first.
     */
    public static Outcome answerFirstRequest(InputStream in, OutputStream out, JsonRpcError error, Duration wait)
            throws InterruptedException {
        FailedStartFace face = new FailedStartFace(in, out, error);
        Thread.ofPlatform().daemon().name("gatekit-reader-failed-start").start(face::read);
        try {
            return face.outcome.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (face.decided.compareAndSet(false, true)) {
                return Outcome.NO_REQUEST_IN_TIME;
            }
            return face.outcome.join(); // the reader is writing the answer: let it finish
        } catch (ExecutionException e) {
            throw new IllegalStateException("the reader settles the outcome without failing", e);
        }
    }

    private void read() {
        LineFramer framer = new LineFramer(in, maxMessageBytes);
        try {
            Frame frame;
            while ((frame = framer.next()) != null) {
                if (frame instanceof Frame.Data data && answer(codec.decode(data.bytes(), 0, data.length()))) {
                    return;
                }
            }
        } catch (IOException e) {
            log.debug("stdin failed: {}", e.toString());
        }
        settle(Outcome.INPUT_ENDED);
    }

    /** Answers one decoded frame as needed; true once the first request has had the error. */
    private boolean answer(Decoded decoded) throws IOException {
        if (decoded instanceof Decoded.Ok(JsonRpcMessage.Request request)) {
            if (decided.compareAndSet(false, true)) {
                try {
                    write(JsonRpcMessage.Response.failure(request.id(), error));
                } finally {
                    outcome.complete(Outcome.ANSWERED); // or failed trying: the client is gone either way
                }
            }
            return true;
        }
        if (decoded instanceof Decoded.Invalid invalid && invalid.answerable()) {
            write(JsonRpcMessage.Response.failure(invalid.id(), invalid.error()));
        }
        return false; // notifications, responses and input that must not be answered get nothing
    }

    private void write(JsonRpcMessage message) throws IOException {
        out.write(codec.encode(message));
        out.write('\n');
        out.flush();
    }

    private void settle(Outcome how) {
        if (decided.compareAndSet(false, true)) {
            outcome.complete(how);
        }
    }
}
