package io.gatekit.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The settings a running gateway cannot change, and which of them a new config changes, so that a hot reload
 * names each one instead of ignoring it silently: the client face ({@code proxy.transport}, and every
 * {@code proxy.http} setting while it serves HTTP: the listening socket, its guards and the session bounds are set
 * up once), {@code proxy.limits.max_message_bytes} (built into every connection's framer and codec), the
 * {@code proxy.admin} listener (bound once at start) and the {@code observability} section (the request chain's
 * observers and the trace exporter are built with the gateway). Everything else applies live.
 */
public final class RestartOnlySettings {
    private RestartOnlySettings() {}

    /**
     * One setting that changed but needs a restart.
     *
     * @param field its dotted path, e.g. {@code proxy.http.port}
     * @param inForce what the gateway keeps doing meanwhile, e.g. {@code still serving on http://127.0.0.1:8080/mcp}
     */
    public record Change(String field, String inForce) {}

    /**
     * The restart-only settings {@code next} changes from {@code running}.
     *
     * @param servingOn where the running face serves ({@code stdio}, or the HTTP face's URI), for the messages
     */
    public static List<Change> between(GatewayConfig running, GatewayConfig next, String servingOn) {
        List<Change> changes = new ArrayList<>();
        ProxyConfig was = running.proxy();
        ProxyConfig now = next.proxy();
        String serving = "still serving on " + servingOn;
        if (was.transport() != now.transport()) {
            changes.add(new Change("proxy.transport", serving));
        }
        // A changed transport says it all; otherwise the HTTP face's settings, while it is the face.
        if (was.transport() == now.transport() && was.transport() == ClientTransport.HTTP) {
            HttpConfig old = was.http().orElseThrow(); // the http transport always has its section
            HttpConfig fresh = now.http().orElseThrow();
            check(changes, "proxy.http.host", old.host(), fresh.host(), serving);
            check(changes, "proxy.http.port", old.port(), fresh.port(), serving);
            check(changes, "proxy.http.path", old.path(), fresh.path(), serving);
            check(changes, "proxy.http.tls", old.tls(), fresh.tls(), serving);
            check(changes, "proxy.http.allowed_hosts", old.allowedHosts(), fresh.allowedHosts(),
                    "still accepting Host " + old.allowedHosts());
            check(changes, "proxy.http.allowed_origins", old.allowedOrigins(), fresh.allowedOrigins(),
                    "still accepting Origin " + old.allowedOrigins());
            check(changes, "proxy.http.session_idle_timeout", old.sessionIdleTimeout(), fresh.sessionIdleTimeout(),
                    "still ending idle sessions after " + old.sessionIdleTimeout().toSeconds() + " s");
            check(changes, "proxy.http.max_sessions", old.maxSessions(), fresh.maxSessions(),
                    "still allowing " + old.maxSessions() + " sessions");
            check(changes, "proxy.http.auth", old.auth(), fresh.auth(), "still authenticating as configured at start");
            check(changes, "proxy.http.sse_keep_alive", old.sseKeepAlive(), fresh.sseKeepAlive(),
                    "still keeping streams alive every " + old.sseKeepAlive().toSeconds() + " s");
            check(changes, "proxy.http.header_timeout", old.headerTimeout(), fresh.headerTimeout(),
                    "still allowing " + old.headerTimeout().toSeconds() + " s for a request's headers");
            check(changes, "proxy.http.body_timeout", old.bodyTimeout(), fresh.bodyTimeout(),
                    "still allowing " + old.bodyTimeout().toSeconds() + " s for a request's body");
        }
        check(changes, "proxy.limits.max_message_bytes", was.limits().maxMessageBytes(),
                now.limits().maxMessageBytes(), "still limiting messages to "
                        + was.limits().maxMessageBytes() + " bytes");
        check(changes, "proxy.admin", was.admin(), now.admin(), was.admin()
                .map(admin -> "the admin listener stays where it started (" + admin.host() + ")")
                .orElse("still without an admin listener"));
        ObservabilityConfig seen = running.observability();
        ObservabilityConfig wanted = next.observability();
        check(changes, "observability.metrics.enabled", seen.metrics(), wanted.metrics(),
                seen.metrics() ? "still recording request metrics" : "still not recording request metrics");
        check(changes, "observability.tracing", seen.tracing(), wanted.tracing(), seen.tracing()
                .map(tracing -> "still tracing to " + tracing.endpoint())
                .orElse("still not tracing"));
        return changes;
    }

    private static void check(List<Change> changes, String field, Object running, Object next, String inForce) {
        if (!Objects.equals(running, next)) {
            changes.add(new Change(field, inForce));
        }
    }
}
