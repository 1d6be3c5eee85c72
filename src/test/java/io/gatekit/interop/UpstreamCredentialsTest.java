package io.gatekit.interop;

import static io.gatekit.testing.TestClient.object;
import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.Loopback;
import io.gatekit.testing.Peers;
import io.gatekit.testing.ScriptedHttpUpstream;
import io.gatekit.testing.TestClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An HTTP upstream's credentials, against a real OAuth provider (oidc-provider, interop/peers/idp/
 * test-issuer.mjs): static headers from the environment arrive on every request, and with {@code oauth}
 * every request carries the gateway's own token, minted for the upstream's URL by client credentials, reused
 * while it is fresh and renewed before it expires, with no call failing across the renewal.
 */
@Timeout(120)
class UpstreamCredentialsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CLIENT_ID = "gatekit-upstream";
    private static final String SECRET = "s3cret:with/odd&chars";

    @Test
    void everyRequestCarriesTheEnvironmentsHeaderAndAFreshTokenForTheUpstream() throws Exception {
        Peers.requireInstalled("oidc-provider");
        try (ScriptedHttpUpstream upstream = new ScriptedHttpUpstream()) {
            int port = Loopback.freePort();
            ProcessBuilder issuerCommand = new ProcessBuilder(Peers.node(), java.nio.file.Path.of(System.getProperty("user.dir"), "interop", "peers", "idp", "test-issuer.mjs").toString(),
                    String.valueOf(port), upstream.url(), CLIENT_ID, SECRET, "mcp:tools")
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            issuerCommand.environment().put("TOKEN_TTL_SECONDS", "6");
            Process issuer = issuerCommand.start();
            try {
                awaitReady(issuer);
                try (GatewayFixture gateway = GatewayFixture.start("""
                        proxy:
                          transport: stdio
                          upstreams:
                            - name: remote
                              transport: http
                              url: %s
                              protocol_era: legacy
                              headers: {X-Team: "${TEAM}"}
                              oauth:
                                token_url: http://127.0.0.1:%d/token
                                client_id: %s
                                client_secret: "${UPSTREAM_SECRET}"
                                scope: mcp:tools
                                resource: %s
                        """.formatted(upstream.url(), port, CLIENT_ID, upstream.url()),
                        Map.of("TEAM", "blue", "UPSTREAM_SECRET", SECRET))) {
                    gateway.awaitReady("remote");
                    TestClient client = gateway.connect();
                    client.initialize(object());
                    for (int i = 0; i < 3; i++) {
                        assertThat(text(client.call("tools/call", toolCall("remote__echo", "message", "m" + i))))
                                .isEqualTo("Echo: m" + i);
                    }
                    // Renewed before it expires: keep calling until a second token arrives; every call succeeds.
                    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                        assertThat(text(client.call("tools/call", toolCall("remote__echo", "message", "x"))))
                                .isEqualTo("Echo: x");
                        return tokens(upstream).size() >= 2;
                    });
                    List<ScriptedHttpUpstream.Seen> seen = List.copyOf(upstream.seen);
                    assertThat(seen).allSatisfy(request -> {
                        assertThat(request.header("X-Team")).isEqualTo("blue");
                        assertThat(request.header("Authorization")).startsWith("Bearer ");
                    });
                    Set<String> tokens = tokens(upstream);
                    assertThat(tokens.size()).as("tokens are reused while fresh").isLessThan(seen.size() / 2);
                    for (String token : tokens) {
                        JsonNode claims = claims(token);
                        assertThat(claims.path("aud").isArray() ? claims.path("aud").path(0).asString()
                                : claims.path("aud").asString()).isEqualTo(upstream.url());
                        assertThat(claims.path("client_id").asString()).isEqualTo(CLIENT_ID);
                        assertThat(claims.path("scope").asString()).isEqualTo("mcp:tools");
                    }
                }
            } finally {
                issuer.getOutputStream().close();
                if (!issuer.waitFor(5, TimeUnit.SECONDS)) {
                    issuer.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static Set<String> tokens(ScriptedHttpUpstream upstream) {
        Set<String> tokens = new LinkedHashSet<>();
        for (ScriptedHttpUpstream.Seen request : upstream.seen) {
            String authorization = request.header("Authorization");
            if (authorization != null) {
                tokens.add(authorization.substring("Bearer ".length()));
            }
        }
        return tokens;
    }

    private static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        assertThat(parts).as("a JWT access token").hasSize(3);
        return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    private static void awaitReady(Process issuer) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(issuer.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("ready ")) {
                Thread.ofVirtual().start(() -> out.lines().forEach(ignored -> {})); // keep its stdout drained
                return;
            }
        }
        throw new AssertionError("the token issuer ended before it was ready (exit " + issuer.waitFor() + ")");
    }
}
