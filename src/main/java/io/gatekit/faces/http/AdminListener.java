package io.gatekit.faces.http;

import io.gatekit.config.AdminConfig;
import io.gatekit.config.HttpConfig;
import io.gatekit.observability.HealthEndpoints;
import io.gatekit.observability.Observability;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code proxy.admin}: {@code /metrics}, {@code /healthz} and {@code /readyz} on a port of their own, for a gateway
 * whose clients reach it over stdio (an HTTP gateway serves them beside its MCP endpoint). The same Jetty set-up as
 * the HTTP face, handlers on virtual threads; nothing else is served.
 */
public final class AdminListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminListener.class);

    private final Server server;

    private AdminListener(Server server) {
        this.server = server;
    }

    /** Binds and serves; returns once the port is open. */
    public static AdminListener start(AdminConfig admin, Observability observability) throws Exception {
        Server server = HttpFace.jettyServer(new HttpConfig(admin.host(), admin.port(), "/"),
                new HealthEndpoints(observability, null));
        server.start();
        AdminListener listener = new AdminListener(server);
        log.info("admin endpoints (/metrics, /healthz, /readyz) on {}:{}", admin.host(), listener.port());
        return listener;
    }

    /** The bound port (the real one when the config asked for port 0). */
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("stopping the admin listener: {}", e.toString());
        }
    }
}
