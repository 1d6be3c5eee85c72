package io.gatekit.faces.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatekit.testing.Loopback;
import io.gatekit.testing.ScriptedHttpUpstream;
import io.gatekit.upstream.Upstream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * The HTTP face with authentication on (issue 15): JWTs checked against a JWK set file, API keys by hash, the RFC
 * 9728 metadata and challenges, sessions bound to the caller that opened them, and client limits per caller. The
 * same checks against a real OpenID provider are in {@code OidcProviderAuthTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpAuthTest {
    private static final String ISSUER = "https://issuer.example.test";
    private static final String API_KEY = "gk_test_0123456789abcdef";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;

    private RSAKey key;
    private HttpFaceFixture gateway;
    private String audience;

    @BeforeAll
    void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").algorithm(JWSAlgorithm.RS256).generate();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(API_KEY.getBytes(StandardCharsets.UTF_8)));
        audience = "https://gateway.example.test/mcp";
        gateway = HttpFaceFixture.demo("""
                auth:
                  jwt:
                    issuer: %s
                    audience: %s
                    jwks_file: %s
                    required_scopes: [mcp:tools]
                  api_keys:
                    - {name: ci-robot, sha256: %s, scopes: [mcp:tools]}
                """.formatted(ISSUER, audience, jwks, hash.toUpperCase(java.util.Locale.ROOT)), """
                limits:
                  max_in_flight_per_client: 1
                """);
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    private String token(String subject, String scope) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(audience).subject(subject)
                .claim("scope", scope).expirationTime(new Date(System.currentTimeMillis() + 300_000)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1")
                .type(new JOSEObjectType("at+jwt")).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
             "capabilities":{},"clientInfo":{"name":"auth-test","version":"0"}}}""";

    private HttpResponse<String> initialize(String authorization) throws Exception {
        HttpRequest.Builder post = gateway.post(null, INITIALIZE);
        if (authorization != null) {
            post.header("Authorization", authorization);
        }
        return gateway.send(post.build());
    }

    /** Opens a session as the holder of {@code token}; returns its id. */
    private String session(String token) throws Exception {
        HttpResponse<String> init = initialize("Bearer " + token);
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> initialized = gateway.send(gateway.post(session,
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").header("Authorization", "Bearer " + token).build());
        assertThat(initialized.statusCode()).isEqualTo(202);
        return session;
    }

    private HttpResponse<String> call(String session, String token, int id, String tool, String arguments) throws Exception {
        return gateway.send(gateway.post(session, """
                {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"demo__%s","arguments":%s}}"""
                .formatted(id, tool, arguments)).header("Authorization", "Bearer " + token).build());
    }

    @Test
    void noCredential_is401WithAChallengeNamingTheMetadata_whichIsServedPublicly() throws Exception {
        HttpResponse<String> refused = initialize(null);
        assertThat(refused.statusCode()).isEqualTo(401);
        String challenge = refused.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertThat(challenge).startsWith("Bearer ")
                .contains("resource_metadata=\"https://gateway.example.test/.well-known/oauth-protected-resource/mcp\"")
                .doesNotContain("error=");
        assertThat(JSON.readTree(refused.body()).path("error").path("message").asString()).contains("Bearer");

        for (String path : List.of("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource")) {
            HttpResponse<String> metadata = gateway.send(HttpRequest.newBuilder(gateway.uri().resolve(path)).GET().build());
            assertThat(metadata.statusCode()).isEqualTo(200);
            JsonNode doc = JSON.readTree(metadata.body());
            assertThat(doc.path("resource").asString()).isEqualTo(audience);
            assertThat(doc.path("authorization_servers").get(0).asString()).isEqualTo(ISSUER);
            assertThat(doc.path("scopes_supported").get(0).asString()).isEqualTo("mcp:tools");
            assertThat(doc.path("bearer_methods_supported").get(0).asString()).isEqualTo("header");
        }
    }

    @Test
    void validToken_opensASessionAndCalls_missingScopeIs403() throws Exception {
        String alice = token("alice", "openid mcp:tools");
        String session = session(alice);
        HttpResponse<String> echo = call(session, alice, 2, "echo", "{\"message\":\"hi\"}");
        assertThat(echo.statusCode()).isEqualTo(200);
        assertThat(echo.body()).contains("hi");

        HttpResponse<String> forbidden = initialize("Bearer " + token("alice", "openid"));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"insufficient_scope\"").contains("scope=\"mcp:tools\"");

        HttpResponse<String> notBearer = initialize("Basic YWxpY2U6c2VjcmV0");
        assertThat(notBearer.statusCode()).isEqualTo(401);
        assertThat(notBearer.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_request");
    }

    @Test
    void apiKeys_workAsBearerOrXApiKey_andAWrongKeyIs401() throws Exception {
        assertThat(initialize("Bearer " + API_KEY).statusCode()).isEqualTo(200);
        HttpResponse<String> header = gateway.send(gateway.post(null, INITIALIZE).header("X-API-Key", API_KEY).build());
        assertThat(header.statusCode()).isEqualTo(200);
        HttpResponse<String> wrong = gateway.send(gateway.post(null, INITIALIZE).header("X-API-Key", API_KEY + "x").build());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
        assertThat(initialize("Bearer not-a-key-and-not-a-jwt").statusCode()).isEqualTo(401);
    }

    @Test
    void metricsNeedACredential_readyzTellsAProbeOnlyWhetherItIsReady_healthzIsOpen() throws Exception {
        URI metrics = gateway.uri().resolve("/metrics");
        HttpResponse<String> anonymous = gateway.send(HttpRequest.newBuilder(metrics).GET().build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
        assertThat(anonymous.body()).doesNotContain("mcp_server_operation_duration_seconds");
        HttpResponse<String> wrongScope = gateway.send(HttpRequest.newBuilder(metrics)
                .header("Authorization", "Bearer " + token("scraper", "other")).GET().build());
        assertThat(wrongScope.statusCode()).isEqualTo(403);
        for (HttpRequest.Builder scrape : List.of(
                HttpRequest.newBuilder(metrics).header("Authorization", "Bearer " + token("scraper", "mcp:tools")),
                HttpRequest.newBuilder(metrics).header("X-API-Key", API_KEY))) {
            HttpResponse<String> scraped = gateway.send(scrape.GET().build());
            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.body()).contains("# HELP");
        }

        URI readyz = gateway.uri().resolve("/readyz");
        HttpResponse<String> probe = gateway.send(HttpRequest.newBuilder(readyz).GET().build());
        assertThat(probe.statusCode()).isIn(200, 503);
        assertThat(JSON.readTree(probe.body()).properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("ready");
        HttpResponse<String> detailed = gateway.send(HttpRequest.newBuilder(readyz).header("X-API-Key", API_KEY).GET().build());
        assertThat(JSON.readTree(detailed.body()).path("upstreams").has("demo")).isTrue();

        HttpResponse<String> healthz = gateway.send(HttpRequest.newBuilder(gateway.uri().resolve("/healthz")).GET().build());
        assertThat(healthz.statusCode()).isEqualTo(200);
    }

    @Test
    void aSessionBelongsToItsCaller_anotherGets404OnEveryMethod() throws Exception {
        String alice = token("alice", "mcp:tools");
        String bob = token("bob", "mcp:tools");
        String session = session(alice);

        HttpResponse<String> post = call(session, bob, 3, "echo", "{\"message\":\"stolen\"}");
        assertThat(post.statusCode()).isEqualTo(404);
        assertThat(post.body()).doesNotContain("stolen");
        HttpResponse<String> cancel = gateway.send(gateway.post(session, """
                {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2}}""")
                .header("Authorization", "Bearer " + bob).build());
        assertThat(cancel.statusCode()).isEqualTo(404);
        HttpResponse<String> stream = gateway.send(HttpRequest.newBuilder(gateway.uri()).timeout(Duration.ofSeconds(10))
                .header("Accept", "text/event-stream").header("Mcp-Session-Id", session)
                .header("Authorization", "Bearer " + bob).GET().build());
        assertThat(stream.statusCode()).isEqualTo(404);
        HttpResponse<String> delete = gateway.send(HttpRequest.newBuilder(gateway.uri()).header("Mcp-Session-Id", session)
                .header("Authorization", "Bearer " + bob).DELETE().build());
        assertThat(delete.statusCode()).isEqualTo(404);
        HttpResponse<String> asKey = gateway.send(gateway.post(session, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}")
                .header("X-API-Key", API_KEY).build());
        assertThat(asKey.statusCode()).as("an API key is another caller").isEqualTo(404);

        // The owner, with a fresh token, still has the session: bob's attempts changed nothing.
        String refreshed = token("alice", "mcp:tools");
        HttpResponse<String> echo = call(session, refreshed, 5, "echo", "{\"message\":\"still mine\"}");
        assertThat(echo.statusCode()).isEqualTo(200);
        assertThat(echo.body()).contains("still mine");
    }

    @Test
    void modernStatelessRequests_carryTheirCallerPerRequest() throws Exception {
        String body = """
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"demo__echo","arguments":{"message":"m"},
                 "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}""";
        assertThat(gateway.send(gateway.modernPost(body).build()).statusCode()).isEqualTo(401);
        HttpResponse<String> ok = gateway.send(gateway.modernPost(body).header("Authorization", "Bearer "
                + token("carol", "mcp:tools")).build());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).contains("\"m\"");
    }

    @Test
    void theCallersCredentialIsNeverForwardedUpstream() throws Exception {
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(API_KEY.getBytes(StandardCharsets.UTF_8)));
        try (ScriptedHttpUpstream upstream = new ScriptedHttpUpstream();
                HttpFaceFixture front = HttpFaceFixture.start("""
                        proxy:
                          transport: http
                          http:
                            host: 127.0.0.1
                            port: 0
                            auth:
                              api_keys: [{name: ci-robot, sha256: %s}]
                          upstreams:
                            - name: up
                              transport: http
                              url: %s
                              protocol_era: legacy
                              headers: {Authorization: "Bearer upstream-credential"}
                        """.formatted(hash, upstream.url()))) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                    front.gateway.upstream("up").orElseThrow().state() == Upstream.State.READY);
            HttpResponse<String> init = front.send(front.post(null, INITIALIZE).header("X-API-Key", API_KEY).build());
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            HttpResponse<String> echo = front.send(front.post(session, """
                    {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"up__echo","arguments":{"message":"hi"}}}""")
                    .header("Authorization", "Bearer " + API_KEY).build());
            assertThat(echo.body()).contains("Echo: hi");
            List<ScriptedHttpUpstream.Seen> calls = upstream.seen("POST", "tools/call");
            assertThat(calls).hasSize(1);
            assertThat(calls.get(0).header("Authorization")).isEqualTo("Bearer upstream-credential");
            assertThat(calls.get(0).header("X-API-Key")).isNull();
            assertThat(upstream.seen).allSatisfy(seen -> assertThat(seen.headers().values()).noneMatch(v -> v.contains(API_KEY)));
        }
    }

    @Test
    void anUnreachableIssuer_is503WithRetryAfter_notA401() throws Exception {
        int closed = Loopback.freePort();
        try (HttpFaceFixture front = HttpFaceFixture.demo("""
                auth:
                  jwt: {issuer: "%s", audience: "%s", jwks_uri: "http://127.0.0.1:%d/jwks"}
                """.formatted(ISSUER, audience, closed), "")) {
            HttpResponse<String> refused = front.send(front.post(null, INITIALIZE)
                    .header("Authorization", "Bearer " + token("alice", "mcp:tools")).build());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.headers().firstValue("WWW-Authenticate")).isEmpty();
            assertThat(refused.body()).contains("signing keys");
        }
    }

    @Test
    void theInFlightCeilingCountsTheCaller_notTheConnection() throws Exception {
        String dave = token("dave", "mcp:tools");
        String first = session(dave);
        String second = session(dave);
        CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return call(first, dave, 10, "sleep", "{\"ms\":8000}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // While dave's slow call runs in one session, his call in another session is over his ceiling of 1.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            HttpResponse<String> refused = call(second, dave, 11, "echo", "{\"message\":\"x\"}");
            assertThat(refused.body()).contains("-32004").contains("dave");
        });
        // Another caller is not affected by dave's load.
        String erin = token("erin", "mcp:tools");
        assertThat(call(session(erin), erin, 12, "echo", "{\"message\":\"erin\"}").body()).contains("erin");
        assertThat(slow.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(call(second, dave, 13, "echo", "{\"message\":\"again\"}").body()).contains("again"));
    }
}
