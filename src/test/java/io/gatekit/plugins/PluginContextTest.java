package io.gatekit.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.session.BearerToken;
import io.gatekit.session.Principal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginContextTest {

    @Test
    void pluginsSeeTheCaller_butNeverTheTokenItPresented() {
        Principal caller = new Principal("alice", Map.of("scope", "mcp:tools"), new BearerToken("eyJ.secret.jwt"));
        PluginContext context = new PluginContext("up", caller, "c1", Direction.TO_UPSTREAM, 0L);
        assertThat(context.principal().subject()).isEqualTo("alice");
        assertThat(context.principal().claims()).isEqualTo(caller.claims());
        assertThat(context.principal().token()).isNull();
        assertThat(context.toClient().withAccessDecision("allow").principal().token()).isNull();
        assertThat(caller.toString()).doesNotContain("secret");
    }
}
