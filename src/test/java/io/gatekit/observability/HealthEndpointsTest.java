package io.gatekit.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.faces.http.HttpFaceFixture;
import io.gatekit.testing.TestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** /metrics, /healthz and /readyz on the HTTP face, beside the MCP endpoint. */
class HealthEndpointsTest {

    private static HttpResponse<String> get(HttpFaceFixture fixture, String path) throws Exception {
        return fixture.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.face.port() + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyUpstream_servesAllThree() throws Exception {
        try (HttpFaceFixture fixture = HttpFaceFixture.demo("", "")) {
            HttpResponse<String> health = get(fixture, "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(fixture, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(TestClient.JSON.readTree(ready.body()).path("upstreams").path("demo").asString()).isEqualTo("ready");
            HttpResponse<String> metrics = get(fixture, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
            assertThat(metrics.body()).contains("# TYPE gatekit_requests_total counter")
                    .contains("gatekit_upstream_state{state=\"ready\",upstream=\"demo\"} 1.0");
            assertThat(get(fixture, "/elsewhere").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void readyz_is503_whileNoUpstreamIsReady() throws Exception {
        try (HttpFaceFixture fixture = HttpFaceFixture.start("""
                proxy:
                  transport: http
                  http:
                    host: 127.0.0.1
                    port: 0
                  upstreams:
                    - name: silent
                      command: ["sleep", "60"]
                """)) {
            HttpResponse<String> ready = get(fixture, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(TestClient.JSON.readTree(ready.body()).path("ready").asBoolean()).isFalse();
            assertThat(get(fixture, "/healthz").statusCode()).isEqualTo(200);
        }
    }
}
