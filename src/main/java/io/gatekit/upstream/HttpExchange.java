package io.gatekit.upstream;

import io.gatekit.config.UpstreamConfig;
import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.session.Principal;
import io.gatekit.transport.SseReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP exchange with a Streamable HTTP upstream, whatever the protocol era: builds the POST, GET or DELETE
 * with the configured headers (the gateway's credentials, never a client's) plus the era's own, sends it, and
 * reads the answer, one JSON message or an event stream of them, into decoded messages. What the answer means
 * for the session (a lost session, a stream to resume) is the era's business; this only reports what happened.
 */
final class HttpExchange {
    private static final Logger log = LoggerFactory.getLogger(HttpExchange.class);

    /** What became of one exchange. */
    sealed interface Outcome {
        /** 202 or 204: a notification or response taken, nothing to read. */
        record Accepted() implements Outcome {}

        /** A 2xx body read to its end; {@code responded}: the request's response was in it. */
        record Answered(boolean eventStream, boolean responded, StreamPosition position) implements Outcome {}

        /** A non-2xx status; {@code error} is the JSON-RPC error the body held for the request, if it held one. */
        record Refused(int status, @Nullable Response error, String text) implements Outcome {}

        /** The connection failed, before the answer or while it was read. */
        record Broken(Throwable cause, boolean responded, StreamPosition position) implements Outcome {}

        /** No answer began within the wait. */
        record TimedOut() implements Outcome {}
    }

    private final HttpClient client;
    private final URI url;
    private final String upstream;
    private final UpstreamCredentials credentials;
    private final JsonRpcCodec codec;
    private final int maxMessageBytes;

    HttpExchange(HttpClient client, UpstreamConfig config, UpstreamCredentials credentials, JsonRpcCodec codec,
            int maxMessageBytes) {
        this.client = client;
        this.url = config.url().orElseThrow();
        this.upstream = config.name();
        this.credentials = credentials;
        this.codec = codec;
        this.maxMessageBytes = maxMessageBytes;
    }

    URI url() {
        return url;
    }

    JsonRpcCodec codec() {
        return codec;
    }

    /** A POST of one JSON-RPC message, accepting either kind of answer. */
    org.eclipse.jetty.client.Request post(byte[] body, Map<String, String> headers) {
        return post(body, headers, null);
    }

    /**
     * A POST on behalf of {@code caller} (a client's request; null for the gateway's own messages): with token
     * exchange it carries a token minted for the caller, which may mean asking the provider first, on this thread.
     * Throws {@link GatewayException} with the error for the client when no such token can be had.
     */
    org.eclipse.jetty.client.Request post(byte[] body, Map<String, String> headers, @Nullable Principal caller) {
        Map<String, String> credential = credentials.headers(caller);
        return client.newRequest(url).method(HttpMethod.POST)
                .headers(h -> {
                    h.put(HttpHeader.CONTENT_TYPE, "application/json");
                    h.put(HttpHeader.ACCEPT, "application/json, text/event-stream");
                    credential.forEach(h::put);
                    headers.forEach(h::put);
                })
                .body(new BytesRequestContent("application/json", body));
    }

    /** A GET of an event stream, with no idle timeout (a quiet stream is not a dead one). */
    org.eclipse.jetty.client.Request get(Map<String, String> headers) {
        return client.newRequest(url).method(HttpMethod.GET)
                .headers(h -> {
                    h.put(HttpHeader.ACCEPT, "text/event-stream");
                    credentials.headers().forEach(h::put);
                    headers.forEach(h::put);
                })
                .idleTimeout(0, TimeUnit.MILLISECONDS);
    }

    /** A DELETE (the end of a session), bounded by {@code timeout}. */
    org.eclipse.jetty.client.Request delete(Map<String, String> headers, Duration timeout) {
        return client.newRequest(url).method(HttpMethod.DELETE)
                .headers(h -> {
                    credentials.headers().forEach(h::put);
                    headers.forEach(h::put);
                })
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Sends {@code http} (carrying {@code message}, which may be null for a GET) and reads its answer; every
     * message in it goes to {@code sink} as it arrives. Waits at most {@code wait} for the answer to begin.
     */
    Outcome run(org.eclipse.jetty.client.Request http, Duration wait, JsonRpcMessage message, Consumer<Decoded> sink)
            throws InterruptedException {
        return run(http, wait, message, new StreamPosition(), headers -> {}, sink);
    }

    /**
     * The same, reading an event stream on from {@code position} (a resumed stream continues its event ids), and
     * handing a 2xx answer's headers to {@code onHead} before its body is read: the session id must be known
     * before the connection above hears the initialize response and sends its next message.
     */
    Outcome run(org.eclipse.jetty.client.Request http, Duration wait, JsonRpcMessage message, StreamPosition position,
            Consumer<HttpFields> onHead, Consumer<Decoded> sink) throws InterruptedException {
        boolean[] responded = new boolean[1];
        Consumer<Decoded> watching = decoded -> {
            responded[0] |= message instanceof Request request && decoded instanceof Decoded.Ok(Response r)
                    && JsonRpcIds.same(request.id(), r.id());
            sink.accept(decoded);
        };
        try {
            InputStreamResponseListener listener = new InputStreamResponseListener();
            http.send(listener);
            org.eclipse.jetty.client.Response response = listener.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            int status = response.getStatus();
            String contentType = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
            try (InputStream in = new BufferedInputStream(listener.getInputStream(), 8192)) {
                if (status / 100 == 2) {
                    onHead.accept(response.getHeaders());
                }
                if (status == 202 || status == 204) {
                    return new Outcome.Accepted();
                }
                if (status == 401) {
                    credentials.refused(http.getHeaders().get(HttpHeader.AUTHORIZATION));
                }
                if (status / 100 != 2) {
                    return refusal(message, status, contentType, in);
                }
                readBody(contentType, in, position, watching);
                return new Outcome.Answered(isEventStream(contentType), responded[0], position);
            }
        } catch (TimeoutException e) {
            HttpWireBase.abort(http, "no answer began in time");
            return new Outcome.TimedOut();
        } catch (ExecutionException | IOException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return new Outcome.Broken(cause, responded[0], position);
        }
    }

    /**
     * A non-2xx answer. When its body is the JSON-RPC error for the request (a 2026-07-28 server answers a bad
     * request with 400 and -32602, -32020 or -32022), that error is the answer; otherwise the status is.
     */
    private Outcome.Refused refusal(JsonRpcMessage message, int status, String contentType, InputStream in)
            throws IOException {
        byte[] bytes = in.readNBytes(Math.min(maxMessageBytes, 1 << 20));
        @Nullable Response error = null;
        if (message instanceof Request request && contentType != null && contentType.startsWith("application/json")
                && codec.decode(bytes) instanceof Decoded.Ok(Response answer) && answer.isError()
                && JsonRpcIds.same(request.id(), answer.id())) {
            error = answer;
        }
        return new Outcome.Refused(status, error, new String(bytes, 0, Math.min(bytes.length, 500), StandardCharsets.UTF_8).strip());
    }

    /** How a refusal reads in an error message. */
    String describe(Outcome.Refused refused) {
        return "HTTP " + refused.status() + " from " + url + (refused.text().isEmpty() ? "" : ": " + refused.text());
    }

    static String describe(Throwable cause) {
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static boolean isEventStream(String contentType) {
        return contentType != null && contentType.startsWith("text/event-stream");
    }

    /** Reads a 2xx body: one JSON message, or an SSE stream of them; each goes to {@code sink}. */
    void readBody(String contentType, InputStream in, Consumer<Decoded> sink) throws IOException {
        readBody(contentType, in, new StreamPosition(), sink);
    }

    private void readBody(String contentType, InputStream in, StreamPosition position, Consumer<Decoded> sink)
            throws IOException {
        if (isEventStream(contentType)) {
            readEvents(in, position, sink);
            return;
        }
        byte[] bytes = in.readNBytes(maxMessageBytes + 1);
        if (bytes.length > maxMessageBytes) {
            log.error("upstream {} sent a body over {} bytes; dropped", upstream, maxMessageBytes);
            return;
        }
        if (bytes.length > 0) {
            sink.accept(codec.decode(bytes));
        }
    }

    /** Reads an event stream to its end, keeping {@code position} (event id, retry) up to date. */
    void readEvents(InputStream in, StreamPosition position, Consumer<Decoded> sink) throws IOException {
        SseReader events = new SseReader(in, maxMessageBytes);
        SseReader.Event event;
        while ((event = events.next()) != null) {
            if (event.id() != null) {
                position.eventId(event.id());
            }
            position.retry(events.retryMillis());
            if (!event.data().isBlank()) {
                sink.accept(codec.decode(event.data().getBytes(StandardCharsets.UTF_8)));
            }
        }
        position.retry(events.retryMillis());
    }
}
