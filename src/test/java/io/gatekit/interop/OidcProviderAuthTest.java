package io.gatekit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.gatekit.faces.http.HttpFaceFixture;
import io.gatekit.testing.Loopback;
import io.gatekit.testing.Peers;
import io.gatekit.testing.Processes;
import io.gatekit.testing.TestIssuer;
import io.gatekit.upstream.Upstream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway behind a real OpenID provider (oidc-provider, interop/peers/idp/test-issuer.mjs): the official
 * TypeScript SDK client discovers the issuer from the gateway's 401, gets a token by client_credentials for the
 * gateway's resource URI and calls through; forged and mis-addressed tokens are refused; the provider rotates its
 * signing key mid-run and new tokens keep working.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OidcProviderAuthTest {
    private static final String SCOPE = "mcp:tools";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;

    private TestIssuer issuer;
    private HttpFaceFixture gateway;
    private String resource;

    @BeforeAll
    void start() throws Exception {
        Peers.requireInstalled(Peers.TS_SDK, TestIssuer.OIDC_PROVIDER);
        int port = Loopback.freePort();
        resource = "http://127.0.0.1:" + port + "/mcp";
        issuer = new TestIssuer(dir, resource, SCOPE);
        gateway = HttpFaceFixture.start("""
                proxy:
                  transport: http
                  http:
                    host: 127.0.0.1
                    port: %d
                    auth:
                      jwt:
                        issuer: %s
                        audience: %s
                        jwks_uri: %s
                        required_scopes: [%s]
                  upstreams:
                    - name: demo
                      command: %s
                """.formatted(port, issuer.issuer(), resource, issuer.jwksUri(), SCOPE, Processes.demoServerYaml()));
        Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> gateway.gateway.upstream("demo").orElseThrow().state() == Upstream.State.READY);
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    private HttpResponse<String> initialize(String token) throws Exception {
        return gateway.send(gateway.post(null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{},"clientInfo":{"name":"oidc-test","version":"0"}}}""")
                .header("Authorization", "Bearer " + token).build());
    }

    private String signed(RSAKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(new JOSEObjectType("at+jwt")).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(issuer.issuer()).audience(resource).subject("forger")
                .claim("scope", SCOPE).issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 300_000));
    }

    /** Runs the TS SDK OAuth client script once; returns its checks by name. */
    private Map<String, JsonNode> runTypeScriptClient(String name) throws Exception {
        Path script = Path.of(System.getProperty("user.dir"), "interop", "peers", "clients", "ts-oauth-client.mjs");
        Path out = dir.resolve(name + "-out.txt");
        Path err = dir.resolve(name + "-err.txt");
        Process process = new ProcessBuilder(List.of(Peers.node(), script.toString(), gateway.uri().toString(),
                TestIssuer.CLIENT_ID, TestIssuer.CLIENT_SECRET, SCOPE))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        String output = Files.readString(out);
        Map<String, JsonNode> checks = new HashMap<>();
        output.lines().map(JSON::readTree).filter(n -> n.has("check")).forEach(n -> checks.put(n.get("check").asString(), n));
        assertThat(checks.values()).as(output + "\nstderr:\n" + Files.readString(err)).hasSize(3)
                .allMatch(n -> n.path("ok").asBoolean());
        return checks;
    }

    @Test
    @Order(1)
    void typeScriptSdkClient_discoversTheIssuer_getsAToken_andCallsThrough() throws Exception {
        Map<String, JsonNode> checks = runTypeScriptClient("first");
        JsonNode init = checks.get("initialize").path("detail");
        assertThat(init.path("serverName").asString()).isEqualTo("gatekit");
        assertThat(init.path("iss").asString()).isEqualTo(issuer.issuer());
        assertThat(init.path("aud").toString()).contains(resource);
        assertThat(checks.get("echo").path("detail").path("text").asString()).isEqualTo("hello with a token");
    }

    @Test
    @Order(2)
    void tokensThatDoNotHold_areRefusedWith401() throws Exception {
        RSAKey providerKey = issuer.signingKey();
        assertThat(initialize(signed(providerKey, claims().build())).statusCode())
                .as("control: a well-formed token signed with the provider's key is accepted").isEqualTo(200);
        RSAKey unknown = new RSAKeyGenerator(2048).keyID("not-published").algorithm(JWSAlgorithm.RS256).generate();
        String real = issuer.token();
        String[] parts = real.split("\\.");
        JsonNode payload = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        String tamperedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.toString().replace("\"sub\":\"" + payload.path("sub").asString() + "\"", "\"sub\":\"admin\"")
                        .getBytes(StandardCharsets.UTF_8));
        Map<String, String> forged = Map.of(
                "expired", signed(providerKey, claims().expirationTime(new Date(System.currentTimeMillis() - 600_000)).build()),
                "wrong audience", signed(providerKey, claims().audience("http://127.0.0.1:1/other").build()),
                "wrong issuer", signed(providerKey, claims().issuer("http://127.0.0.1:1").build()),
                "alg none", new PlainJWT(claims().build()).serialize(),
                "tampered", parts[0] + "." + tamperedPayload + "." + parts[2],
                "unknown key", signed(unknown, claims().build()));
        for (Map.Entry<String, String> token : forged.entrySet()) {
            HttpResponse<String> refused = initialize(token.getValue());
            assertThat(refused.statusCode()).as(token.getKey()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow()).as(token.getKey())
                    .contains("error=\"invalid_token\"")
                    .contains("resource_metadata=\"http://127.0.0.1:" + gateway.uri().getPort()
                            + "/.well-known/oauth-protected-resource/mcp\"");
            assertThat(refused.headers().firstValue("Mcp-Session-Id")).as(token.getKey()).isEmpty();
        }
        assertThat(initialize(real).statusCode()).as("the untampered original").isEqualTo(200);
    }

    @Test
    @Order(3) // last: it retires the key the other tests sign with
    void theProviderRotatesItsKey_andNewTokensKeepWorking() throws Exception {
        assertThat(initialize(issuer.token()).statusCode()).isEqualTo(200);
        String newKid = issuer.rotate();
        String rotated = issuer.token();
        String header = new String(Base64.getUrlDecoder().decode(rotated.split("\\.")[0]), StandardCharsets.UTF_8);
        assertThat(header).contains(newKid);
        // The gateway refetches the key set when a token names a key it does not know (at most every few seconds).
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(initialize(rotated).statusCode()).isEqualTo(200));
        issuer.dropOldKeys();
        runTypeScriptClient("after-rotation");
    }
}
