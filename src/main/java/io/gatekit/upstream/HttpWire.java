package io.gatekit.upstream;

import io.gatekit.config.UpstreamConfig;
import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.transport.SseReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The Streamable HTTP wire (MCP 2025-03-26 .. 2025-11-25): every message is a POST whose answer is JSON or an
 * SSE stream; the session id from {@code initialize} goes on every request; a GET stream carries what the server
 * sends on its own. When the server loses the session (404, or the 400 some SDK servers send), the wire
 * re-initialises and retries the message once. Credentials come from the upstream's configured headers, never
 * from a client. Each POST runs on its own virtual thread; Jetty pools the connections.
 */
final class HttpWire extends HttpWireBase {
    private static final Logger log = LoggerFactory.getLogger(HttpWire.class);
    private static final String SESSION_HEADER = "Mcp-Session-Id";
    private static final int MAX_GET_RECONNECTS = 5;

    private final URI url;
    private volatile String sessionId;
    private volatile String protocolVersion;
    private volatile byte[] initializeBody;
    private volatile JsonNode initializeId;
    private volatile Thread getStream;
    private volatile String lastEventId;

    HttpWire(UpstreamConfig config, JsonRpcCodec codec, int maxMessageBytes, Duration connectTimeout) throws IOException {
        super(config, codec, maxMessageBytes, connectTimeout);
        this.url = config.url().orElseThrow();
    }

    @Override
    public boolean send(JsonRpcMessage message) {
        if (!open) {
            return false;
        }
        byte[] body = codec.encode(message);
        if (message instanceof Request request && "initialize".equals(request.method())) {
            initializeBody = body;
            initializeId = request.id();
        }
        Thread.ofVirtual().name("gatekit-http-post").start(() -> post(message, body, true));
        return true;
    }

    private void post(JsonRpcMessage message, byte[] body, boolean mayRetry) {
        try {
            InputStreamResponseListener listener = new InputStreamResponseListener();
            jsonPost(body).send(listener);
            org.eclipse.jetty.client.Response response = listener.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
            int status = response.getStatus();
            try (InputStream in = new BufferedInputStream(listener.getInputStream(), 8192)) {
                if (message instanceof Request r && "initialize".equals(r.method()) && status / 100 == 2) {
                    String id = response.getHeaders().get(SESSION_HEADER);
                    if (id != null) {
                        sessionId = id;
                    }
                }
                if (sessionLost(status) && mayRetry && !(message instanceof Request r && "initialize".equals(r.method()))) {
                    log.info("upstream {}: HTTP session lost ({}); re-initialising and retrying once", config.name(), status);
                    if (reinitialize()) {
                        post(message, body, false);
                        return;
                    }
                }
                if (status == 202 || status == 204) {
                    return;
                }
                if (status / 100 != 2) {
                    String text = new String(in.readNBytes(500), StandardCharsets.UTF_8).strip();
                    failRequest(message, "HTTP " + status + " from " + url + (text.isEmpty() ? "" : ": " + text));
                    return;
                }
                deliverBody(response.getHeaders().get(HttpHeader.CONTENT_TYPE), in);
            }
            if (message instanceof JsonRpcMessage.Notification n && "notifications/initialized".equals(n.method())) {
                openGetStream();
            }
        } catch (TimeoutException e) {
            failRequest(message, "no HTTP response from " + url + " within " + connectTimeout.toSeconds() + " s");
        } catch (ExecutionException | IOException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            failRequest(message, "HTTP request to " + url + " failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            if (cause instanceof ConnectException) {
                end(cause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A POST of one JSON-RPC message with the headers every Streamable HTTP request carries. */
    private org.eclipse.jetty.client.Request jsonPost(byte[] body) {
        return client.newRequest(url).method(HttpMethod.POST)
                .headers(h -> {
                    h.put(HttpHeader.CONTENT_TYPE, "application/json");
                    h.put(HttpHeader.ACCEPT, "application/json, text/event-stream");
                    common(h);
                })
                .body(new BytesRequestContent("application/json", body));
    }

    private void common(org.eclipse.jetty.http.HttpFields.Mutable headers) {
        config.headers().forEach(headers::put);
        String session = sessionId;
        if (session != null) {
            headers.put(SESSION_HEADER, session);
        }
        String version = protocolVersion;
        if (version != null) {
            headers.put("MCP-Protocol-Version", version);
        }
    }

    private boolean sessionLost(int status) {
        return sessionId != null && (status == 404 || status == 400);
    }

    /** Reads a 2xx body: one JSON message, or an SSE stream of them; each goes to the handler. */
    private void deliverBody(String contentType, InputStream in) throws IOException {
        if (contentType != null && contentType.startsWith("text/event-stream")) {
            SseReader events = new SseReader(in, maxMessageBytes);
            SseReader.Event event;
            while ((event = events.next()) != null) {
                if (event.id() != null) {
                    lastEventId = event.id();
                }
                if (!event.data().isBlank()) {
                    deliver(codec.decode(event.data().getBytes(StandardCharsets.UTF_8)));
                }
            }
            return;
        }
        byte[] bytes = in.readNBytes(maxMessageBytes + 1);
        if (bytes.length > maxMessageBytes) {
            log.error("upstream {} sent a body over {} bytes; dropped", config.name(), maxMessageBytes);
            return;
        }
        if (bytes.length > 0) {
            deliver(codec.decode(bytes));
        }
    }

    @Override
    protected void deliver(Decoded decoded) {
        if (decoded instanceof Decoded.Ok(Response response) && response.result() != null
                && initializeId != null && initializeId.equals(response.id())) {
            JsonNode version = codec.materialize(response.result()).get("protocolVersion");
            if (version != null && version.isString()) {
                protocolVersion = version.stringValue();
            }
        }
        super.deliver(decoded);
    }

    /** Starts a new session with the handshake the gateway sent first; true when it worked. */
    private boolean reinitialize() {
        byte[] body = initializeBody;
        if (body == null) {
            return false;
        }
        sessionId = null;
        try {
            org.eclipse.jetty.client.ContentResponse init =
                    jsonPost(body).timeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS).send();
            if (init.getStatus() / 100 != 2) {
                return false;
            }
            sessionId = init.getHeaders().get(SESSION_HEADER);
            byte[] initialized = codec.encode(new JsonRpcMessage.Notification("notifications/initialized", null));
            jsonPost(initialized).timeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS).send();
            openGetStream();
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("upstream {}: re-initialising the HTTP session failed: {}", config.name(), e.toString());
            return false;
        }
    }

    /** The GET stream for server-initiated messages; a server without one answers 405, which is fine. */
    private synchronized void openGetStream() {
        Thread previous = getStream;
        if (previous != null) {
            previous.interrupt();
        }
        getStream = Thread.ofVirtual().name("gatekit-http-get-" + config.name()).start(this::readGetStream);
    }

    private void readGetStream() {
        for (int attempt = 0; attempt < MAX_GET_RECONNECTS && open && !Thread.currentThread().isInterrupted(); attempt++) {
            try {
                InputStreamResponseListener listener = new InputStreamResponseListener();
                String resumeFrom = lastEventId;
                client.newRequest(url).method(HttpMethod.GET)
                        .headers(h -> {
                            h.put(HttpHeader.ACCEPT, "text/event-stream");
                            if (resumeFrom != null) {
                                h.put("Last-Event-ID", resumeFrom);
                            }
                            common(h);
                        })
                        .idleTimeout(0, TimeUnit.MILLISECONDS)
                        .send(listener);
                org.eclipse.jetty.client.Response response = listener.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
                try (InputStream in = new BufferedInputStream(listener.getInputStream(), 8192)) {
                    if (response.getStatus() != 200) {
                        log.debug("upstream {}: no GET stream (HTTP {})", config.name(), response.getStatus());
                        return;
                    }
                    deliverBody("text/event-stream", in);
                }
                Thread.sleep(200L << attempt);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.debug("upstream {}: GET stream ended: {}", config.name(), e.toString());
            }
        }
    }

    @Override
    public String describeEnd(Throwable cause) {
        return "stopped answering at " + url + (cause == null ? "" : " (" + cause.getMessage() + ")");
    }

    @Override
    public void shutdown(Duration grace) {
        open = false;
        Thread stream = getStream;
        if (stream != null) {
            stream.interrupt();
        }
        String session = sessionId;
        if (session != null) {
            try {
                client.newRequest(url).method(HttpMethod.DELETE)
                        .headers(h -> h.put(SESSION_HEADER, session))
                        .timeout(grace.toMillis(), TimeUnit.MILLISECONDS)
                        .send();
            } catch (Exception e) {
                log.debug("upstream {}: DELETE of the session failed: {}", config.name(), e.toString());
            }
        }
        stopClient();
        end(null);
    }
}
