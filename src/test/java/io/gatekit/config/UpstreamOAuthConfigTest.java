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
}
