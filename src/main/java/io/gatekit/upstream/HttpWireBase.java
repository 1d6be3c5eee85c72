package io.gatekit.upstream;

import io.gatekit.config.UpstreamConfig;
import io.gatekit.jsonrpc.Decoded;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.transport.MessageHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the two HTTP wires share: the Jetty client, where decoded messages go, failing a request that cannot be
 * delivered with an error response at once (rather than letting it wait for its timeout), and ending the wire.
 *
 * <p>Concurrency: messages are delivered from whichever thread read them (a POST's thread, the GET or SSE stream's
 * thread). {@code handler} and {@code open} are volatile, set at start and cleared at the end; the atomic {@code
 * ended} makes {@link #end} run once.
 */
abstract class HttpWireBase implements UpstreamWire {
    private static final Logger log = LoggerFactory.getLogger(HttpWireBase.class);

    protected final UpstreamConfig config;
    protected final JsonRpcCodec codec;
    protected final int maxMessageBytes;
    protected final Duration connectTimeout;
    protected final HttpClient client;
    protected final UpstreamCredentials credentials;
    private final AtomicBoolean ended = new AtomicBoolean();
    protected volatile @Nullable MessageHandler handler;
    protected volatile boolean open = true;

    HttpWireBase(UpstreamConfig config, JsonRpcCodec codec, int maxMessageBytes, Duration connectTimeout) throws IOException {
        this.config = config;
        this.codec = codec;
        this.maxMessageBytes = maxMessageBytes;
        this.connectTimeout = connectTimeout;
        this.client = httpClient(config, connectTimeout);
        this.credentials = new UpstreamCredentials(config, connectTimeout);
    }

    /**
     * Aborts an HTTP request the gateway no longer wants. Jetty's answer (whether the abort won the race with the
     * response) is dropped on purpose: either way the request is over, and its own listener reports the outcome.
     */
    static void abort(org.eclipse.jetty.client.Request request, String why) {
        var _ = request.abort(new CancellationException(why));
    }

    /**
     * A started Jetty client for one upstream: TLS verification as configured, connection pool sized to its
     * in-flight ceiling, so excess requests queue in Jetty (bounded) rather than open sockets without limit.
     */
    static HttpClient httpClient(UpstreamConfig config, Duration connectTimeout) throws IOException {
        ClientConnector connector = new ClientConnector();
        SslContextFactory.Client tls = new SslContextFactory.Client(!config.tlsVerify());
        if (config.caFile().isPresent()) {
            tls.setTrustStore(trustStore(config.caFile().get()));
        }
        connector.setSslContextFactory(tls);
        connector.setConnectTimeout(connectTimeout);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setMaxConnectionsPerDestination(Math.max(8, Math.min(config.maxInFlight(), 256)));
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, config.maxInFlight() * 2));
        client.setName("gatekit-http-" + config.name());
        try {
            client.start();
            return client;
        } catch (Exception e) {
            throw new IOException("cannot start the HTTP client for upstream '" + config.name() + "': " + e, e);
        }
    }

    /** The CA certificates of a PEM file as a trust store. */
    private static java.security.KeyStore trustStore(java.nio.file.Path pem) throws IOException {
        try (var in = java.nio.file.Files.newInputStream(pem)) {
            java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (var certificate : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + n++, certificate);
            }
            if (n == 0) {
                throw new IOException("no certificate in " + pem);
            }
            return store;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read CA certificates from " + pem + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void start(MessageHandler handler) {
        this.handler = handler;
    }

    /** Hands a decoded message from the upstream to the connection above. */
    protected void deliver(Decoded decoded) {
        MessageHandler target = handler;
        if (target != null) {
            target.onMessage(decoded);
        }
    }

    /** A request that cannot be delivered gets an error response at once rather than waiting for its timeout. */
    protected void failRequest(JsonRpcMessage message, String why) {
        log.warn("upstream {}: {}", config.name(), why);
        if (message instanceof Request request) {
            deliver(new Decoded.Ok(Response.failure(request.id(), JsonRpcError.of(ErrorCode.UPSTREAM_UNAVAILABLE, why))));
        }
    }

    /** The session with the upstream is over: the connection above fails its calls and the upstream restarts. */
    protected void end(@Nullable Throwable cause) {
        if (ended.compareAndSet(false, true)) {
            open = false;
            MessageHandler target = handler;
            if (target != null) {
                target.onClosed(cause);
            }
        }
    }

    protected void stopClient() {
        credentials.close();
        try {
            client.stop();
        } catch (Exception e) {
            log.debug("upstream {}: stopping the HTTP client: {}", config.name(), e.toString());
        }
    }

    @Override
    public Optional<Long> pid() {
        return Optional.empty();
    }
}
