package io.gatekit.config;

import static io.gatekit.config.ConfigTesting.parse;
import static io.gatekit.config.ConfigTesting.problems;
import static io.gatekit.config.ConfigTesting.withUpstreams;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An upstream's {@code oauth:}: bound with its secret from the environment, refused where it cannot work. */
class UpstreamOAuthConfigTest {

    @Test
    void bindsTheClientCredentialsAndNeverPrintsTheSecret() {
        GatewayConfig config = parse(withUpstreams("""
                    - name: remote
                      transport: http
                      url: https://mcp.example.com/mcp
                      oauth:
                        token_url: https://idp.example.com/token
                        client_id: gatekit
                        client_secret: "${SECRET}"
                        resource: https://mcp.example.com/mcp
                """), Map.of("SECRET", "hunter2"));
        UpstreamOAuth oauth = config.proxy().upstreams().getFirst().oauth().orElseThrow();
        assertThat(oauth).isEqualTo(new UpstreamOAuth(URI.create("https://idp.example.com/token"), "gatekit", "hunter2",
                Optional.empty(), Optional.of("https://mcp.example.com/mcp"), Optional.empty()));
        assertThat(oauth.toString()).doesNotContain("hunter2");
    }

    @Test
    void aStdioUpstreamOrASecondAuthorizationIsRefusedAtItsLine() {
        assertThat(problems(withUpstreams("""
                    - name: local
                      command: [x]
                      oauth: {token_url: "https://idp/token", client_id: a, client_secret: b}
                    - name: remote
                      transport: http
                      url: https://mcp.example.com/mcp
                      headers: {Authorization: "Bearer x"}
                      oauth: {token_url: "ftp://idp/token", client_id: a, client_secret: b}
                """))).extracting(Object::toString).containsExactly(
                "test.yaml:6:7: proxy.upstreams[0].oauth: oauth gets a token for an http or sse upstream; a stdio server"
                        + " takes its credentials from env",
                "test.yaml:10:16: proxy.upstreams[1].headers: Authorization is set by oauth: remove it from headers",
                "test.yaml:11:26: proxy.upstreams[1].oauth.token_url: 'ftp://idp/token' is not an http:// or https:// URL"
                        + " with a host");
    }

    private static final String JWT_FACE = """
            proxy:
              transport: http
              http:
                port: 0
                auth:
                  jwt: {issuer: "https://idp.example.com", audience: "https://gw.example.com/mcp", jwks_uri: "https://idp.example.com/jwks"}
              upstreams:
            """;

    @Test
    void tokenExchangeBinds_withTheUpstreamAsItsDefaultResource() {
        GatewayConfig config = parse(JWT_FACE + """
                    - name: remote
                      transport: http
                      url: https://mcp.example.com/mcp
                      token_exchange:
                        token_url: https://idp.example.com/token
                        client_id: gatekit
                        client_secret: "${SECRET}"
                        scope: "mcp:tools"
                """, Map.of("SECRET", "hunter2"));
        UpstreamOAuth exchange = config.proxy().upstreams().getFirst().tokenExchange().orElseThrow();
        assertThat(exchange).isEqualTo(new UpstreamOAuth(URI.create("https://idp.example.com/token"), "gatekit",
                "hunter2", Optional.of("mcp:tools"), Optional.of("https://mcp.example.com/mcp"), Optional.empty()));
        assertThat(config.proxy().upstreams().getFirst().oauth()).isEmpty();
        assertThat(exchange.toString()).doesNotContain("hunter2");
    }

    @Test
    void tokenExchangeWhereNoCallerTokenCanExist_orOnAnSseUpstream_isRefusedAtItsLine() {
        assertThat(problems(withUpstreams("""
                    - name: remote
                      transport: http
                      url: https://mcp.example.com/mcp
                      token_exchange: {token_url: "https://idp/token", client_id: a, client_secret: b}
                """))).extracting(Object::toString).containsExactly(
                "test.yaml:7:7: proxy.upstreams[0].token_exchange: token_exchange exchanges each caller's own access"
                        + " token, which only the HTTP face with JWT authentication has: set proxy.transport: http and"
                        + " proxy.http.auth.jwt, or use oauth (the gateway's own token)");
        assertThat(problems(JWT_FACE + """
                    - name: stream
                      transport: sse
                      url: https://mcp.example.com/sse
                      token_exchange: {token_url: "https://idp/token", client_id: a, client_secret: b}
                """)).extracting(Object::toString).containsExactly(
                "test.yaml:11:7: proxy.upstreams[0].token_exchange: token_exchange needs transport: http (each request"
                        + " carries its caller's token; an sse upstream's messages share one stream)");
    }
}
