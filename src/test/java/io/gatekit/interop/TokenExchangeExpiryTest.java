package io.gatekit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.faces.http.HttpFaceFixture;
import io.gatekit.testing.Loopback;
import io.gatekit.testing.ScriptedHttpUpstream;
import io.gatekit.testing.TestIssuer;
import io.gatekit.upstream.Upstream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An exchanged token is used only while it is fresh, and a user token the provider no longer accepts ends the
 * exchange with a clear error rather than a call on stale credentials: the provider issues 4-second tokens while the
 * face tolerates 5 minutes of clock skew, so the same user token keeps opening the face after the provider has
 * stopped exchanging it. Calls succeed until the cached token is due, then the next one fails with the provider's
 * reason and is not sent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TokenExchangeExpiryTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void onceTheProviderNoLongerExchangesTheUsersToken_theCallFailsClearly_andIsNotSent(@TempDir Path dir)
            throws Exception {
        try (ScriptedHttpUpstream upstream = new ScriptedHttpUpstream()) {
            int port = Loopback.freePort();
            String resource = "http://127.0.0.1:" + port + "/mcp";
            try (TestIssuer issuer = new TestIssuer(dir, resource, "mcp:tools", List.of("alice"),
                    List.of(upstream.url()), 4);
                    HttpFaceFixture gateway = HttpFaceFixture.start("""
                            proxy:
                              transport: http
                              http:
                                host: 127.0.0.1
                                port: %1$d
                                auth:
                                  jwt: {issuer: %2$s, audience: %3$s, jwks_uri: %4$s, clock_skew: 300}
                              upstreams:
                                - name: remote
                                  transport: http
                                  url: %5$s
                                  protocol_era: legacy
                                  token_exchange: {token_url: %2$s/token, client_id: %6$s, client_secret: %7$s}
                            """.formatted(port, issuer.issuer(), resource, issuer.jwksUri(), upstream.url(),
                            TestIssuer.CLIENT_ID, TestIssuer.CLIENT_SECRET))) {
                Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> gateway.gateway.upstream("remote").orElseThrow().state() == Upstream.State.READY);
                String token = issuer.token("alice");
                String session = initialize(gateway, token);
                List<JsonNode> answers = new ArrayList<>();
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                    JsonNode answer = call(gateway, session, token, answers.size());
                    answers.add(answer);
                    return answer.has("error");
                });
                JsonNode failure = answers.getLast();
                assertThat(failure.path("error").path("data").path("reason").asString()).isEqualTo("token_exchange_failed");
                assertThat(failure.path("error").path("message").asString()).contains("invalid_grant");
                List<JsonNode> served = answers.subList(0, answers.size() - 1);
                assertThat(served).as("every call before it succeeded").isNotEmpty()
                        .allSatisfy(answer -> assertThat(answer.has("result")).isTrue());
                Set<String> tokens = new LinkedHashSet<>();
                upstream.seen("POST", "tools/call").forEach(seen -> tokens.add(seen.header("Authorization")));
                assertThat(upstream.seen("POST", "tools/call")).as("the failed call was not sent").hasSize(served.size());
                assertThat(tokens).as("only exchanged tokens, each from one exchange").isNotEmpty()
                        .hasSizeLessThanOrEqualTo(issuer.exchanges().size()).doesNotContain("Bearer " + token);
            }
        }
    }

    private static String initialize(HttpFaceFixture gateway, String token) throws Exception {
        HttpResponse<String> init = gateway.send(gateway.post(null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{},"clientInfo":{"name":"expiry-test","version":"0"}}}""")
                .header("Authorization", "Bearer " + token).build());
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        gateway.send(gateway.post(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .header("Authorization", "Bearer " + token).build());
        return session;
    }

    private static JsonNode call(HttpFaceFixture gateway, String session, String token, int n) throws Exception {
        HttpResponse<String> response = gateway.send(gateway.post(session, """
                {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"remote__echo","arguments":{"message":"m"}}}"""
                .formatted(10 + n)).header("Authorization", "Bearer " + token).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
