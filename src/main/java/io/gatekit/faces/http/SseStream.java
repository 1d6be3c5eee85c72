package io.gatekit.faces.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.FutureCallback;
import org.jspecify.annotations.Nullable;

/**
 * One open {@code text/event-stream} response. Each write blocks (a virtual thread) until the bytes are out,
 * bounded by a timeout; a failed or stalled write throws, which is how a vanished client is noticed.
 */
final class SseStream {
    private final Response response;
    private final Duration writeTimeout;

    private SseStream(Response response, Duration writeTimeout) {
        this.response = response;
        this.writeTimeout = writeTimeout;
    }

    /** Commits the response as an event stream (status 200, headers flushed at once). */
    static SseStream open(Response response, Duration writeTimeout) throws IOException {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, no-transform");
        response.getHeaders().put("X-Accel-Buffering", "no");
        SseStream stream = new SseStream(response, writeTimeout);
        stream.write(ByteBuffer.allocate(0));
        return stream;
    }

    /** A {@code message} event carrying one JSON-RPC message. */
    void event(@Nullable String id, byte[] json) throws IOException {
        String head = (id == null ? "" : "id: " + id + "\n") + "event: message\ndata: ";
        ByteBuffer buffer = ByteBuffer.allocate(head.length() + json.length + 2);
        buffer.put(head.getBytes(StandardCharsets.UTF_8)).put(json).put((byte) '\n').put((byte) '\n').flip();
        write(buffer);
    }

    /** A comment line: ignored by clients, keeps proxies from timing the stream out, and probes the connection. */
    void comment(String text) throws IOException {
        write(ByteBuffer.wrap((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8)));
    }

    private void write(ByteBuffer buffer) throws IOException {
        FutureCallback done = new FutureCallback();
        response.write(false, buffer, done);
        try {
            done.get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("SSE write failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("SSE write stalled for " + writeTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing SSE");
        }
    }
}
