package io.gatekit;

import static io.gatekit.testing.TestClient.text;
import static io.gatekit.testing.TestClient.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.testing.GatewayFixture;
import io.gatekit.testing.TestClient;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * An upstream that never answers {@code logging/setLevel} must not hold up anything else: the shared level is
 * applied off every client's thread, so clients still leave (every stateless HTTP request is a client that
 * leaves) and calls still go through while the apply hangs.
 */
@Timeout(120)
class LogLevelHazardTest {

    @Test
    void aHungSetLevelUpstreamDoesNotStallClientsLeaving() {
        try (GatewayFixture fixture = GatewayFixture.start("""
                proxy:
                  transport: stdio
                  timeouts:
                    request_timeout: 90
                  upstreams:
                    - name: slow
                      command: %DEMO%
                      env: {DEMO_HANG_SET_LEVEL: "1"}
                """)) {
            TestClient setter = fixture.connect();
            setter.initialize(null);
            setter.notify("notifications/initialized", null);
            fixture.awaitReady("slow");
            setter.request("logging/setLevel", JsonNodeFactory.instance.objectNode().put("level", "debug"));
            // The upstream has the setLevel (it records the level, then never answers).
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> text(setter.call("tools/call", toolCall("slow__stats"))).contains("\"logLevel\":\"debug\""));

            TestClient leaving = fixture.connect();
            leaving.initialize(null);
            assertThat(fixture.gateway.sessions().all()).hasSize(2);
            leaving.close();
            // Before the fix the leaving client's clean-up waited for the setLevel lock, held across the hung call.
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> fixture.gateway.sessions().all().size() == 1);

            TestClient other = fixture.connect();
            other.initialize(null);
            assertThat(text(other.call("tools/call", toolCall("slow__echo", "message", "still served")))).contains("still served");
        }
    }
}
