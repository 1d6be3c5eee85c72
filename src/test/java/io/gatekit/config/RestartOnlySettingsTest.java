package io.gatekit.config;

import static io.gatekit.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which changed settings a hot reload cannot apply, and what stays in force meanwhile. */
class RestartOnlySettingsTest {
    private static final String URI = "http://127.0.0.1:41234/mcp";

    private static GatewayConfig http(String httpSection, String limits) {
        return parse("""
                proxy:
                  transport: http
                  http: %s
                  limits: %s
                  timeouts: {request_timeout: 5}
                  upstreams:
                    - {name: a, command: [x]}
                """.formatted(httpSection, limits));
    }

    @Test
    void theHttpFacesSettingsAndTheMessageLimit_needARestart() {
        GatewayConfig running = http("{port: 0}", "{}");
        GatewayConfig next = http("{port: 9000, max_sessions: 5}", "{max_message_bytes: 4096}");

        assertThat(RestartOnlySettings.between(running, next, URI)).containsExactly(
                new RestartOnlySettings.Change("proxy.http.port", "still serving on " + URI),
                new RestartOnlySettings.Change("proxy.http.max_sessions", "still allowing 10000 sessions"),
                new RestartOnlySettings.Change("proxy.limits.max_message_bytes", "still limiting messages to 16777216 bytes"));
    }

    @Test
    void whatAppliesLive_isNotNamed() {
        GatewayConfig running = http("{port: 0}", "{}");
        GatewayConfig next = parse("""
                proxy:
                  transport: http
                  http: {port: 0}
                  limits: {max_in_flight_per_client: 1, list_page_size: 3, max_in_flight_per_upstream: 2}
                  timeouts: {request_timeout: 1, connection_timeout: 2}
                  hot_reload: enabled
                  upstreams:
                    - {name: b, command: [y]}
                logging: {level: DEBUG}
                """);

        assertThat(RestartOnlySettings.between(running, next, URI)).isEmpty();
    }

    @Test
    void aChangedTransport_isOneChange_notOnePerHttpSetting() {
        GatewayConfig stdio = parse(ConfigTesting.withUpstreams("    - {name: a, command: [x]}\n"));
        GatewayConfig http = http("{port: 8080, path: /other}", "{}");

        assertThat(RestartOnlySettings.between(stdio, http, "stdio"))
                .containsExactly(new RestartOnlySettings.Change("proxy.transport", "still serving on stdio"));
        assertThat(RestartOnlySettings.between(http, stdio, URI))
                .containsExactly(new RestartOnlySettings.Change("proxy.transport", "still serving on " + URI));
    }

    @Test
    void theAdminListenerAndTheObservabilitySection_needARestart() {
        GatewayConfig running = parse(ConfigTesting.withUpstreams("    - {name: a, command: [x]}\n"));
        GatewayConfig next = parse("""
                proxy:
                  transport: stdio
                  admin: {port: 9464}
                  upstreams:
                    - {name: a, command: [x]}
                observability:
                  metrics: {enabled: false}
                  tracing: {enabled: true, endpoint: "http://127.0.0.1:4318/v1/traces"}
                """);

        assertThat(RestartOnlySettings.between(running, next, "stdio")).containsExactly(
                new RestartOnlySettings.Change("proxy.admin", "still without an admin listener"),
                new RestartOnlySettings.Change("observability.metrics.enabled", "still recording request metrics"),
                new RestartOnlySettings.Change("observability.tracing", "still not tracing"));
        assertThat(RestartOnlySettings.between(next, running, "stdio")).containsExactly(
                new RestartOnlySettings.Change("proxy.admin", "the admin listener stays where it started (127.0.0.1)"),
                new RestartOnlySettings.Change("observability.metrics.enabled", "still not recording request metrics"),
                new RestartOnlySettings.Change("observability.tracing",
                        "still tracing to http://127.0.0.1:4318/v1/traces"));
    }
}
