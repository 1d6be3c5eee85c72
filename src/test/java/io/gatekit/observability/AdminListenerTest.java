package io.gatekit.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.config.AdminConfig;
import io.gatekit.faces.http.AdminListener;
import io.gatekit.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A stdio gateway's admin listener serves the same three paths, and nothing else. */
class AdminListenerTest {

    @Test
    void stdioGateway_servesMetricsHealthAndReadiness() throws Exception {
        try (GatewayFixture fixture = GatewayFixture.demo("""
                admin: {host: 127.0.0.1, port: 0}
                """, "")) {
            AdminConfig config = fixture.gateway.config().proxy().admin().orElseThrow();
            fixture.awaitReady("demo");
            try (AdminListener admin = AdminListener.start(config, fixture.gateway.observability());
                    HttpClient client = HttpClient.newHttpClient()) {
                String base = "http://127.0.0.1:" + admin.port();
                assertThat(get(client, base + "/healthz").statusCode()).isEqualTo(200);
                assertThat(get(client, base + "/readyz").statusCode()).isEqualTo(200);
                HttpResponse<String> metrics = get(client, base + "/metrics");
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).contains("gatekit_upstream_state{state=\"ready\",upstream=\"demo\"} 1.0");
                assertThat(get(client, base + "/mcp").statusCode()).isEqualTo(404);
            }
        }
    }

    private static HttpResponse<String> get(HttpClient client, String uri) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(uri)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
