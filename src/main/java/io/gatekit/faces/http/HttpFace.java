package io.gatekit.faces.http;

import io.gatekit.Gateway;
import io.gatekit.config.HttpConfig;
import io.gatekit.config.ScaleOutConfig;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.scaleout.RedisState;
import io.gatekit.scaleout.SessionKeys;
import io.gatekit.scaleout.SessionTokens;
import io.gatekit.scaleout.SharedState;
import java.time.Clock;
import io.gatekit.observability.HealthEndpoints;
import io.gatekit.security.auth.Authenticator;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import io.gatekit.config.TlsConfig;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as a Streamable HTTP MCP server: a Jetty 12 server (core handlers, no servlets) whose handlers
 * run on virtual threads, serving one MCP endpoint at {@code proxy.http.path}. Each MCP session is a client of
 * the {@link Gateway} like a stdio client is.
 */
public final class HttpFace implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpFace.class);
    /** A request's line and headers at most; Jetty's default, stated because the security page quotes it. */
    static final int MAX_REQUEST_HEADER_BYTES = 8 * 1024;

    private final HttpConfig http;
    private final Server server;
    private final ServerConnector connector;
    private final SessionRegistry registry;
    private final McpHandler handler;
    private final SharedState shared;

    /** @throws IllegalStateException when the config would serve a non-loopback address unauthenticated unasked */
    public HttpFace(Gateway gateway, HttpConfig http) {
        if (http.exposedWithoutConsent()) {
            // The config loader reports this with the file's line; an embedder's config is checked here.
            throw new IllegalStateException("refusing to serve " + http.host() + " (not a loopback address) without"
                    + " authentication: configure proxy.http.auth, or set allow_unauthenticated: true");
        }
        this.http = http;
        this.shared = http.scaleOut().map(HttpFace::sharedState).orElse(SharedState.LOCAL);
        this.registry = new SessionRegistry(http.maxSessions(), http.sessionIdleTimeout(),
                http.scaleOut().map(HttpFace::tokens).orElse(null), shared,
                shared.sharesEvents() ? new SharedGetStream(shared, gateway.codec()) : null);
        OriginPolicy origins = new OriginPolicy(http.allowedHosts(), http.allowedOrigins(), http.host());
        SessionRelay relay = new SessionRelay(shared, registry, gateway.codec());
        this.handler = new McpHandler(gateway, registry, relay, origins, new Authenticator(http.auth(), http.path()),
                http.path(), http.sseKeepAlive());
        this.server = jettyServer(http, new HealthEndpoints(gateway.observability(), handler,
                http.auth().protectMetrics() ? handler.healthGuard() : null));
        this.connector = (ServerConnector) server.getConnectors()[0];
    }

    /** Session ids sealed with keys derived here, once, from the configured secrets. */
    private static SessionTokens tokens(ScaleOutConfig scale) {
        Clock clock = Clock.systemUTC();
        return new SessionTokens(SessionKeys.derive(scale.sessionSecrets(), scale.keyGrace(), clock),
                scale.sessionMaxAge(), clock);
    }

    /** Redis when the section names one; else this instance alone. */
    private static SharedState sharedState(ScaleOutConfig scale) {
        return scale.redis().<SharedState>map(uri -> RedisState.connect(uri, scale.sessionMaxAge())).orElse(SharedState.LOCAL);
    }

    /**
     * The Jetty server as the face runs it, not yet started: one connector on {@code http}'s host and port (TLS
     * when configured), handlers on virtual threads, {@code handler} serving every request. Public so that the
     * server benchmark (ADR 0005) measures exactly this set-up rather than a copy that could drift from it.
     */
    public static Server jettyServer(HttpConfig http, Handler handler) {
        QueuedThreadPool pool = new QueuedThreadPool();
        pool.setName("gatekit-http");
        pool.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("gatekit-http-vt-", 0).factory()));
        Server server = new Server(pool);
        HttpConfiguration settings = new HttpConfiguration();
        settings.setSendServerVersion(false);
        settings.setSendXPoweredBy(false);
        // Per connection, what a client can make the server hold is bounded: the request line and headers by this
        // (431 beyond it), a body by max_message_bytes (413), and the time either may take by SlowClientGuard.
        settings.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
        ServerConnector connector = http.tls().isPresent()
                ? new ServerConnector(server, new SslConnectionFactory(serverTls(http.tls().get()), "http/1.1"),
                        new HttpConnectionFactory(withSecureCustomizer(settings)))
                : new ServerConnector(server, new HttpConnectionFactory(settings));
        connector.setHost(http.host());
        // Thousands of clients may connect at once; the default backlog of 50 overflows and costs SYN retries.
        connector.setAcceptQueueSize(1024);
        connector.setPort(http.port());
        // Longer than a keep-alive interval, so a quiet but live event stream is never cut by the server itself.
        connector.setIdleTimeout(Math.max(30_000, http.sseKeepAlive().multipliedBy(3).toMillis()));
        SlowClientGuard guard = new SlowClientGuard(server.getScheduler(), http.headerTimeout(), http.bodyTimeout());
        connector.addEventListener(guard);
        server.addBean(guard);
        server.addConnector(connector);
        server.setHandler(handler);
        // What Jetty refuses itself (a malformed request line, URI or header) is answered like any other refusal.
        server.setErrorHandler(new JsonErrorHandler(new JsonRpcCodec()));
        server.setStopTimeout(Duration.ofSeconds(2).toMillis());
        return server;
    }

    private static SslContextFactory.Server serverTls(TlsConfig tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(tls.keyStore().toString());
        ssl.setKeyStorePassword(tls.keyStorePassword());
        ssl.setKeyStoreType(tls.keyStoreType());
        return ssl;
    }

    private static HttpConfiguration withSecureCustomizer(HttpConfiguration settings) {
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Clients reach a local gateway by IP as often as by name; Host and Origin are checked by OriginPolicy.
        secure.setSniHostCheck(false);
        settings.addCustomizer(secure);
        return settings;
    }

    /** Binds and starts serving; returns once the port is open. */
    public HttpFace start() throws Exception {
        server.start();
        log.info("MCP Streamable HTTP endpoint listening on {}", uri());
        return this;
    }

    /** The bound port (the real one when the config asked for port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The endpoint's URL, e.g. {@code http://127.0.0.1:8080/mcp}. */
    public URI uri() {
        String host = http.host().contains(":") && !http.host().startsWith("[") ? "[" + http.host() + "]" : http.host();
        return URI.create((http.tls().isPresent() ? "https://" : "http://") + host + ":" + port() + http.path());
    }

    /** The Jetty server (for tests that look at its parts). */
    Server server() {
        return server;
    }

    /** Sessions open now. */
    public int sessionCount() {
        return registry.size();
    }

    /** Ends every listen stream gracefully and every session (cancelling their requests), then stops the server. */
    @Override
    public void close() {
        handler.endListenStreams(Duration.ofSeconds(1));
        registry.close();
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("stopping the HTTP server: {}", e.toString());
        }
        shared.close();
    }
}
