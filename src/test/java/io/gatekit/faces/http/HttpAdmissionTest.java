package io.gatekit.faces.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.TestClient;
import io.gatekit.upstream.Upstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/** On the HTTP face a request refused by admission (ADR 0018) is a 429 with Retry-After, in either era. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpAdmissionTest {
    private static final String META = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{}}";

    @Test
    void aRateLimitedRequestGets429WithRetryAfterInSecondsRoundedUp() throws Exception {
        try (HttpFaceFixture f = HttpFaceFixture.start("""
                proxy:
                  transport: http
                  http: {host: 127.0.0.1, port: 0}
                  upstreams:
                    - name: demo
                      command: %DEMO%
                      rate_limit: {requests_per_second: 0.4, burst: 1}
                """)) {
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> f.gateway.upstream("demo").orElseThrow().state() == Upstream.State.READY);
            String session = f.initialize();
            String call = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"demo__echo\","
                    + "\"arguments\":{\"message\":\"hi\"}}}";
            HttpResponse<String> first = f.send(f.post(session, call.formatted(2)).build());
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);

            HttpResponse<String> refused = f.send(f.post(session, call.formatted(3)).build());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            JsonNode error = TestClient.JSON.readTree(refused.body()).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(-32004);
            assertThat(error.path("data").path("reason").asString()).isEqualTo("rate_limited");
            long retryAfterMs = error.path("data").path("retryAfterMs").asLong();
            assertThat(retryAfterMs).isBetween(1L, 2500L); // a token every 2.5 s
            assertThat(refused.headers().firstValue("Retry-After")).contains(Long.toString((retryAfterMs + 999) / 1000));

            HttpResponse<String> modern = f.send(f.modernPost("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"demo__echo\",\"arguments\":{\"message\":\"x\"}," + META + "}}").build());
            assertThat(modern.statusCode()).as(modern.body()).isEqualTo(429);
            assertThat(modern.headers().firstValue("Retry-After")).isPresent();
            assertThat(modern.body()).contains("rate_limited");
        }
    }
}
