package io.gatekit.security;

import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The filters on a real gateway in front of the demo server, configured the Python Gatekit's way. */
class SecurityPluginsEndToEndTest {
    private static GatewayFixture fixture;
    private static TestClient client;

    @BeforeAll
    static void start() {
        fixture = GatewayFixture.start("""
                proxy:
                  transport: stdio
                  upstreams:
                    - name: demo
                      command: %DEMO%
                plugins:
                  security:
                    _global:
                      - handler: basic_pii_filter
                        config: {enabled: true, priority: 30, action: redact}
                      - handler: basic_secrets_filter
                        config: {enabled: true, priority: 20, action: block}
                      - handler: basic_prompt_injection_defense
                        config: {enabled: true, action: redact}
                """);
        client = fixture.connect();
        client.initialize(null);
        fixture.awaitReady("demo");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void anEmailInAnEchoCall_comesBackRedacted() {
        JsonNode answer = client.call("tools/call", toolCall("demo__echo", "message", "mail ann@example.com today"));

        assertThat(text(answer)).isEqualTo("mail [EMAIL REDACTED by Gatekit] today");
    }

    @Test
    void anAwsKeyUnderBlock_isRefusedWithMinus32010_namingThePlugin_neverTheKey() {
        JsonNode answer = client.call("tools/call", toolCall("demo__echo", "message", "key AKIAIOSFODNN7EXAMPLE"));

        JsonNode error = answer.path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32010);
        assertThat(error.path("message").stringValue()).contains("basic_secrets_filter")
                .contains("aws_access_keys");
        assertThat(answer.toString()).doesNotContain("AKIAIOSFODNN7EXAMPLE");
        assertThat(error.path("data").path("plugin").stringValue()).isEqualTo("basic_secrets_filter");
    }

    @Test
    void cleanCallsAndTheToolList_passUnchanged() {
        assertThat(text(client.call("tools/call", toolCall("demo__echo", "message", "hello")))).isEqualTo("hello");
        JsonNode tools = client.call("tools/list", TestClient.object()).path("result").path("tools");
        assertThat(TestClient.names(tools, "name")).contains("demo__echo", "demo__add");
    }
}
