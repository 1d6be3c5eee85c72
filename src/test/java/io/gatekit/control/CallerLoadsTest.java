package io.gatekit.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.config.RateLimitConfig;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.session.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallerLoadsTest {
    private final CallerLoads loads = new CallerLoads(RateBuckets.LOCAL);
    private final Principal alice = new Principal("alice", Map.of("iss", "https://idp"));
    private final Principal bob = new Principal("bob", Map.of("iss", "https://idp"));

    @Test
    void theCeilingCountsTheCaller_andAReleaseGivesThePlaceBack_once() throws Exception {
        List<AutoCloseable> held = new ArrayList<>();
        assertThat(loads.admit(alice, 2, null, held::add)).isNull();
        assertThat(loads.admit(alice, 2, null, held::add)).isNull();
        GatewayException refused = loads.admit(alice, 2, null, held::add);
        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains("alice").contains("max_in_flight_per_client");
        assertThat(loads.admit(bob, 2, null, held::add)).as("another caller").isNull();
        assertThat(held).hasSize(3);
        held.get(0).close();
        held.get(0).close(); // a second close changes nothing
        assertThat(loads.admit(alice, 2, null, held::add)).isNull();
        assertThat(loads.admit(alice, 2, null, held::add)).isNotNull();
        for (AutoCloseable release : held) {
            release.close();
        }
        assertThat(loads.tracked()).as("idle callers are forgotten").isZero();
    }

    @Test
    void theRateLimitCountsTheCaller() throws Exception {
        RateLimitConfig rate = new RateLimitConfig(0.001, 2);
        List<AutoCloseable> held = new ArrayList<>();
        assertThat(loads.admit(alice, 100, rate, held::add)).isNull();
        assertThat(loads.admit(alice, 100, rate, held::add)).isNull();
        GatewayException limited = loads.admit(alice, 100, rate, held::add);
        assertThat(limited).isNotNull();
        assertThat(limited.getMessage()).contains("rate limit");
        assertThat(loads.admit(bob, 100, rate, held::add)).isNull();
        for (AutoCloseable release : held) {
            release.close();
        }
        assertThat(loads.tracked()).as("alice's bucket is still refilling").isEqualTo(2);
    }
}
