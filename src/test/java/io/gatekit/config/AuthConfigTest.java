package io.gatekit.config;

import static io.gatekit.config.ConfigTesting.parse;
import static io.gatekit.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code proxy.http.auth}: binding, and the refusal to expose an unauthenticated gateway beyond loopback. */
class AuthConfigTest {
    private static final String HASH = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";

    private static String http(String host, String auth) {
        return """
                proxy:
                  transport: http
                  http:
                    host: %s
                    port: 8080
                %s
                  upstreams:
                    - name: one
                      command: [server]
                """.formatted(host, auth.stripIndent().lines().map(l -> "    " + l).reduce("", (a, b) -> a + b + "\n"));
    }

    @Test
    void jwtAndApiKeys_bind() {
        HttpConfig http = parse(http("0.0.0.0", """
                auth:
                  jwt:
                    issuer: https://login.example.com
                    audience: https://gw.example.com/mcp
                    jwks_uri: https://login.example.com/jwks
                    required_scopes: [mcp:tools]
                    clock_skew: 30
                  api_keys:
                    - {name: ci, sha256: %s, scopes: [mcp:tools]}
                """.formatted(HASH))).proxy().http().orElseThrow();
        JwtAuthConfig jwt = http.auth().jwt().orElseThrow();
        assertThat(jwt.issuer()).isEqualTo("https://login.example.com");
        assertThat(jwt.audience()).isEqualTo("https://gw.example.com/mcp");
        assertThat(jwt.jwks()).isEqualTo(new JwtAuthConfig.RemoteJwks(URI.create("https://login.example.com/jwks")));
        assertThat(jwt.requiredScopes()).containsExactly("mcp:tools");
        assertThat(jwt.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(http.auth().apiKeys()).containsExactly(new ApiKeyConfig("ci", HASH.toLowerCase(java.util.Locale.ROOT),
                List.of("mcp:tools")));
        assertThat(http.exposedWithoutConsent()).isFalse();
    }

    @Test
    void metricsAreProtectedWheneverThereIsAuth_unlessSaidOtherwise() {
        String keys = "api_keys: [{name: ci, sha256: %s}]".formatted(HASH);
        assertThat(parse(http("127.0.0.1", "auth: {" + keys + "}")).proxy().http().orElseThrow().auth().protectMetrics())
                .isTrue();
        assertThat(parse(http("127.0.0.1", "auth: {protect_metrics: false, " + keys + "}")).proxy().http().orElseThrow()
                .auth().protectMetrics()).isFalse();
        assertThat(parse(http("127.0.0.1", "")).proxy().http().orElseThrow().auth().protectMetrics()).isFalse();
        assertThat(problems(http("127.0.0.1", "auth: {protect_metrics: true}")).toString())
                .contains("proxy.http.auth.protect_metrics").contains("needs jwt or api_keys");
    }

    @Test
    void aNonLoopbackHostWithoutAuth_isRefusedWithTheWayOut() {
        List<ConfigProblem> found = problems(http("0.0.0.0", ""));
        assertThat(found).hasSize(1);
        assertThat(found.get(0).toString()).contains("proxy.http.host").contains("not a loopback address")
                .contains("proxy.http.auth").contains("allow_unauthenticated: true");
        assertThat(problems(http("gateway.example.com", ""))).hasSize(1);
        assertThat(parse(http("0.0.0.0", "auth: {allow_unauthenticated: true}")).proxy().http()).isPresent();
        for (String loopback : List.of("127.0.0.1", "localhost", "'[::1]'", "127.0.0.2")) {
            assertThat(parse(http(loopback, "")).proxy().http()).as(loopback).isPresent();
        }
    }

    @Test
    void badAuthSettings_areReportedAtTheirField() {
        assertThat(problems(http("127.0.0.1", """
                auth:
                  jwt: {issuer: https://i, audience: https://a, jwks_uri: https://i/jwks, jwks_file: keys.json}
                """)).toString()).contains("exactly one of jwks_uri");
        assertThat(problems(http("127.0.0.1", """
                auth:
                  api_keys: [{name: ci, sha256: abc}]
                """)).toString()).contains("sha256").contains("64 hex digits");
        assertThat(problems(http("127.0.0.1", """
                auth:
                  jwt: {issuer: https://i, audience: https://a, jwks_file: /nonexistent/keys.json}
                """)).toString()).contains("cannot read the JWK set");
    }
}
