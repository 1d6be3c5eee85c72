package io.gatekit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.gatekit.faces.http.HttpFaceFixture;
import io.gatekit.testing.Loopback;
import io.gatekit.testing.ScriptedHttpUpstream;
import io.gatekit.testing.TestIssuer;
import io.gatekit.upstream.Upstream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Per-caller upstream tokens by RFC 8693 token exchange, against a real provider (oidc-provider,
 * interop/peers/idp/test-issuer.mjs): two users call through the HTTP face to one HTTP upstream; each call arrives
 * with a token the provider signed for the upstream's audience naming that user (and the gateway as the actor), never
 * the user's own token, and one exchange serves a user's several calls. A caller with no token to exchange (an API
 * key) and an exchange the provider refuses get clear JSON-RPC errors, and nothing reaches the upstream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TokenExchangeTest {
    private static final String SCOPE = "mcp:tools";
    private static final String API_KEY = "robot-key-0123456789abcdef";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;

    private final ScriptedHttpUpstream upstream = new ScriptedHttpUpstream();
    private final ScriptedHttpUpstream elsewhere = new ScriptedHttpUpstream();
    private TestIssuer issuer;
    private HttpFaceFixture gateway;

    @BeforeAll
    void start() throws Exception {
        int port = Loopback.freePort();
        String resource = "http://127.0.0.1:" + port + "/mcp";
        issuer = new TestIssuer(dir, resource, SCOPE, List.of("alice", "bob"), List.of(upstream.url()));
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(API_KEY.getBytes(StandardCharsets.UTF_8)));
        gateway = HttpFaceFixture.start("""
                proxy:
                  transport: http
                  http:
                    host: 127.0.0.1
                    port: %1$d
                    auth:
                      jwt: {issuer: %2$s, audience: %3$s, jwks_uri: %4$s}
                      api_keys: [{name: robot, sha256: %5$s}]
                  upstreams:
                    - name: remote
                      transport: http
                      url: %6$s
                      protocol_era: legacy
                      token_exchange:
                        token_url: %2$s/token
                        client_id: %7$s
                        client_secret: %8$s
                    - name: elsewhere
                      transport: http
                      url: %9$s
                      protocol_era: legacy
                      token_exchange:
                        token_url: %2$s/token
                        client_id: %7$s
                        client_secret: %8$s
                        audience: https://not-allowed.example/mcp
                """.formatted(port, issuer.issuer(), resource, issuer.jwksUri(), hash, upstream.url(),
                TestIssuer.CLIENT_ID, TestIssuer.CLIENT_SECRET, elsewhere.url()));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                gateway.gateway.upstream("remote").orElseThrow().state() == Upstream.State.READY
                        && gateway.gateway.upstream("elsewhere").orElseThrow().state() == Upstream.State.READY);
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (issuer != null) {
            issuer.close();
        }
        upstream.close();
        elsewhere.close();
    }

    @Test
    void eachUsersCallsCarryATokenMintedForTheUpstreamNamingThatUser_exchangedOnce() throws Exception {
        Map<String, String> ownTokens = new HashMap<>();
        for (String user : List.of("alice", "bob")) {
            ownTokens.put(user, issuer.token(user));
        }
        for (String user : List.of("alice", "bob")) {
            String session = initialize("Authorization", "Bearer " + ownTokens.get(user));
            for (int i = 0; i < 3; i++) {
                JsonNode answer = call(session, "Authorization", "Bearer " + ownTokens.get(user), "remote__echo", user + "-" + i);
                assertThat(answer.path("result").path("content").path(0).path("text").asString())
                        .isEqualTo("Echo: " + user + "-" + i);
            }
        }

        JWKSet keys = JWKSet.load(URI.create(issuer.jwksUri()).toURL());
        Map<String, Set<String>> tokensByUser = new HashMap<>();
        List<ScriptedHttpUpstream.Seen> calls = upstream.seen("POST", "tools/call");
        assertThat(calls).hasSize(6);
        for (ScriptedHttpUpstream.Seen call : calls) {
            String user = call.body().path("params").path("arguments").path("message").asString().split("-")[0];
            String token = call.header("Authorization").substring("Bearer ".length());
            SignedJWT jwt = SignedJWT.parse(token);
            RSAKey key = (RSAKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
            assertThat(jwt.verify(new RSASSAVerifier(key))).as("signed by the provider").isTrue();
            assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo(user);
            assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(upstream.url());
            assertThat(jwt.getJWTClaimsSet().getStringClaim("client_id")).isEqualTo(TestIssuer.CLIENT_ID);
            assertThat(jwt.getJWTClaimsSet().getJSONObjectClaim("act")).containsEntry("sub", TestIssuer.CLIENT_ID);
            tokensByUser.computeIfAbsent(user, u -> new HashSet<>()).add(token);
        }
        assertThat(tokensByUser.get("alice")).as("one exchanged token for all of a user's calls").hasSize(1);
        assertThat(tokensByUser.get("bob")).hasSize(1);
        assertThat(tokensByUser.get("alice")).doesNotContainAnyElementsOf(tokensByUser.get("bob"));
        assertThat(issuer.exchanges()).as("one exchange per user").containsExactlyInAnyOrder(
                "alice " + upstream.url(), "bob " + upstream.url());
        for (ScriptedHttpUpstream.Seen seen : upstream.seen) {
            assertThat(seen.headers().values()).as("a user's own token never reaches the upstream")
                    .noneMatch(value -> ownTokens.values().stream().anyMatch(value::contains));
        }
    }

    @Test
    void aCallerWithoutATokenToExchange_getsAClearError_andNothingIsSent() throws Exception {
        String session = initialize("X-API-Key", API_KEY);
        int before = upstream.seen("POST", "tools/call").size();
        JsonNode answer = call(session, "X-API-Key", API_KEY, "remote__echo", "robot");
        assertThat(answer.path("error").path("code").asInt()).isEqualTo(-32000);
        assertThat(answer.path("error").path("data").path("reason").asString()).isEqualTo("no_caller_token");
        assertThat(answer.path("error").path("message").asString())
                .contains("token_exchange", "api-key:robot", "JWT access token");
        assertThat(upstream.seen("POST", "tools/call")).hasSize(before);
    }

    @Test
    void anExchangeTheProviderRefuses_isAClearError_namingItsReason() throws Exception {
        String token = issuer.token("alice");
        String session = initialize("Authorization", "Bearer " + token);
        JsonNode answer = call(session, "Authorization", "Bearer " + token, "elsewhere__echo", "x");
        assertThat(answer.path("error").path("code").asInt()).isEqualTo(-32000);
        assertThat(answer.path("error").path("data").path("reason").asString()).isEqualTo("token_exchange_failed");
        assertThat(answer.path("error").path("message").asString()).contains("'alice'", "invalid_target")
                .doesNotContain(token);
        assertThat(elsewhere.seen("POST", "tools/call")).isEmpty();
    }

    private String initialize(String header, String credential) throws Exception {
        HttpResponse<String> init = gateway.send(gateway.post(null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{},"clientInfo":{"name":"exchange-test","version":"0"}}}""")
                .header(header, credential).build());
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> initialized = gateway.send(gateway.post(session,
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").header(header, credential).build());
        assertThat(initialized.statusCode()).isEqualTo(202);
        return session;
    }

    private JsonNode call(String session, String header, String credential, String tool, String message) throws Exception {
        HttpResponse<String> response = gateway.send(gateway.post(session, """
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"%s","arguments":{"message":"%s"}}}"""
                .formatted(tool, message)).header(header, credential).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String body = response.body();
        if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            body = body.lines().filter(line -> line.startsWith("data:") && line.contains("\"id\""))
                    .map(line -> line.substring("data:".length())).reduce((first, last) -> last).orElseThrow();
        }
        return JSON.readTree(body);
    }
}
