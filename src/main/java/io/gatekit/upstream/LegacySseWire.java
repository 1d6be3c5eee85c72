package io.gatekit.upstream;

import io.gatekit.config.UpstreamConfig;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.transport.MessageHandler;
import io.gatekit.transport.SseReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.jspecify.annotations.Nullable;

/**
 * The old HTTP+SSE transport (MCP 2024-11-05), for servers that predate Streamable HTTP: a GET on the SSE URL
 * opens the one stream every message comes back on; its first event, {@code endpoint}, names the URL to POST
 * messages to. When that stream ends the session is gone, so the wire ends and the upstream is restarted.
 *
 * <p>Concurrency: one virtual thread reads the SSE stream and delivers; senders wait on the endpoint future it
 * completes. {@code stream} is volatile so that shutdown can interrupt it.
 */
final class LegacySseWire extends HttpWireBase {

    private final URI sseUrl;
    private final CompletableFuture<URI> endpoint = new CompletableFuture<>();
    private volatile @Nullable Thread stream;

    LegacySseWire(UpstreamConfig config, JsonRpcCodec codec, int maxMessageBytes, Duration connectTimeout) throws IOException {
        super(config, codec, maxMessageBytes, connectTimeout);
        this.sseUrl = config.url().orElseThrow();
    }

    @Override
    public void start(MessageHandler handler) {
        super.start(handler);
        stream = Thread.ofVirtual().name("gatekit-sse-" + config.name()).start(this::readStream);
    }

    private void readStream() {
        Throwable cause = null;
        try {
            InputStreamResponseListener listener = new InputStreamResponseListener();
            client.newRequest(sseUrl).method(HttpMethod.GET)
                    .headers(h -> {
                        h.put(HttpHeader.ACCEPT, "text/event-stream");
                        credentials.headers().forEach(h::put);
                    })
                    .idleTimeout(0, TimeUnit.MILLISECONDS)
                    .send(listener);
            org.eclipse.jetty.client.Response response = listener.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (response.getStatus() != 200) {
                throw new IOException("GET " + sseUrl + " answered HTTP " + response.getStatus());
            }
            try (InputStream in = new BufferedInputStream(listener.getInputStream(), 8192)) {
                SseReader events = new SseReader(in, maxMessageBytes);
                SseReader.Event event;
                while ((event = events.next()) != null) {
                    if ("endpoint".equals(event.event())) {
                        endpoint.complete(sseUrl.resolve(event.data().strip()));
                    } else if (!event.data().isBlank()) {
                        deliver(codec.decode(event.data().getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            cause = e;
        }
        endpoint.completeExceptionally(new IOException("the SSE stream at " + sseUrl + " ended"));
        end(open ? cause : null);
    }

    @Override
    public boolean send(JsonRpcMessage message) {
        if (!open) {
            return false;
        }
        byte[] body = codec.encode(message);
        Thread.ofVirtual().name("gatekit-sse-post").start(() -> post(message, body));
        return true;
    }

    private void post(JsonRpcMessage message, byte[] body) {
        try {
            URI target = endpoint.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
            org.eclipse.jetty.client.ContentResponse response = client.newRequest(target).method(HttpMethod.POST)
                    .headers(h -> {
                        h.put(HttpHeader.CONTENT_TYPE, "application/json");
                        credentials.headers().forEach(h::put);
                    })
                    .body(new BytesRequestContent("application/json", body))
                    .timeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .send();
            if (response.getStatus() / 100 != 2) {
                failRequest(message, "HTTP " + response.getStatus() + " from " + target);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            failRequest(message, "POST to the SSE server at " + sseUrl + " failed: " + cause.getMessage());
        }
    }

    @Override
    public String describeEnd(@Nullable Throwable cause) {
        return "closed its SSE stream at " + sseUrl + (cause == null ? "" : " (" + cause.getMessage() + ")");
    }

    @Override
    public void shutdown(Duration grace) {
        open = false;
        Thread reader = stream;
        if (reader != null) {
            reader.interrupt();
        }
        stopClient();
        end(null);
    }
}
