package io.gatekit.upstream;

import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.http.HttpHeader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@code subscriptions/listen} stream kept open to a stateless-era upstream: it carries list changes and
 * resource updates, which reach the connection above without the stream's tag. When the stream drops it is opened
 * again with backoff; after such a gap the lists it covers are announced as changed, since a change may have been
 * missed. Runs on its own virtual thread until closed.
 *
 * <p>Concurrency: one virtual thread runs the stream. {@link #close}, called by the wire under its own lock, sets
 * the volatile {@code closed}, aborts the volatile current request and interrupts the thread; {@code warned} is
 * touched by the stream's thread only.
 */
final class UpstreamListenStream {
    private static final Logger log = LoggerFactory.getLogger(UpstreamListenStream.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A stream that lasted this long was healthy: the next failure starts the backoff over. */
    private static final Duration HEALTHY = Duration.ofSeconds(10);

    /** Reads one response body (JSON or an event stream) into decoded messages. */
    interface BodyReader {
        void read(String contentType, InputStream in, Consumer<Decoded> sink) throws IOException;
    }

    private final String upstream;
    private final Supplier<org.eclipse.jetty.client.Request> newRequest;
    private final ModernProtocol protocol;
    private final Duration connectTimeout;
    private final BodyReader reader;
    private final Consumer<Decoded> sink;
    private final Consumer<Throwable> unreachable;
    private volatile boolean closed;
    private volatile org.eclipse.jetty.client.@Nullable Request current;
    private final Thread thread;
    private boolean warned;

    private UpstreamListenStream(String upstream, Supplier<org.eclipse.jetty.client.Request> newRequest, ModernProtocol protocol,
            Duration connectTimeout, BodyReader reader, Consumer<Decoded> sink, Consumer<Throwable> unreachable) {
        this.unreachable = unreachable;
        this.upstream = upstream;
        this.newRequest = newRequest;
        this.protocol = protocol;
        this.connectTimeout = connectTimeout;
        this.reader = reader;
        this.sink = sink;
        // Made here and started by open, so the field is final and set before anyone can call close.
        this.thread = Thread.ofVirtual().name("gatekit-http-listen-" + upstream).unstarted(this::run);
    }

    /**
     * Starts listening; {@code newRequest} builds the listen POST afresh for each (re)connection. When the server
     * cannot be reached at all, {@code unreachable} hears it and the stream stops: the upstream is gone, and its
     * supervisor, not this stream, decides when to try again.
     */
    static UpstreamListenStream open(String upstream, Supplier<org.eclipse.jetty.client.Request> newRequest, ModernProtocol protocol,
            Duration connectTimeout, BodyReader reader, Consumer<Decoded> sink, Consumer<Throwable> unreachable) {
        UpstreamListenStream stream = new UpstreamListenStream(upstream, newRequest, protocol, connectTimeout, reader, sink, unreachable);
        stream.thread.start();
        return stream;
    }

    /** Ends the stream: closing it is how the upstream learns it may stop sending. */
    void close() {
        closed = true;
        org.eclipse.jetty.client.Request request = current;
        if (request != null) {
            HttpWireBase.abort(request, "listen stream closed by the gateway");
        }
        thread.interrupt();
    }

    private void run() {
        int failures = 0;
        boolean gap = false;
        while (!closed) {
            long started = System.nanoTime();
            try {
                listenOnce(gap);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (closed) {
                    return;
                }
                Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof java.net.ConnectException) {
                    unreachable.accept(cause);
                    return;
                }
                log.debug("upstream {}: listen stream ended: {}", upstream, e.toString());
            }
            gap = true;
            failures = System.nanoTime() - started > HEALTHY.toNanos() ? 0 : failures + 1;
            try {
                Thread.sleep(Math.min(MAX_BACKOFF.toMillis(), 100L << Math.min(failures, 10)));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void listenOnce(boolean afterGap) throws Exception {
        org.eclipse.jetty.client.Request request = newRequest.get();
        current = request;
        if (closed) {
            return;
        }
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        org.eclipse.jetty.client.Response response = listener.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try (InputStream in = new BufferedInputStream(listener.getInputStream(), 8192)) {
            if (response.getStatus() != 200) {
                if (warned) {
                    return;
                }
                warned = true;
                log.warn("upstream {}: subscriptions/listen answered HTTP {}; list changes are not heard until it is "
                        + "accepted (retrying with backoff)", upstream, response.getStatus());
                return;
            }
            if (afterGap) {
                protocol.listChangesHeard().forEach(change -> sink.accept(new Decoded.Ok(change)));
            }
            reader.read(response.getHeaders().get(HttpHeader.CONTENT_TYPE), in, this::onMessage);
        }
    }

    private void onMessage(Decoded decoded) {
        switch (decoded) {
            case Decoded.Ok(Notification n) when n.method().equals("notifications/subscriptions/acknowledged") ->
                    log.debug("upstream {}: listening for {}", upstream, n.params());
            case Decoded.Ok(Notification n) -> sink.accept(new Decoded.Ok(ModernProtocol.untagged(n)));
            case Decoded.Ok(Response r) -> {
                JsonRpcError error = r.error();
                log.debug("upstream {}: listen stream ended by the server ({})", upstream,
                        error != null ? error.message() : "complete");
            }
            default -> log.debug("upstream {}: unexpected message on the listen stream; ignored", upstream);
        }
    }
}
