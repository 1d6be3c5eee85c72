package io.gatekit.faces.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** DNS-rebinding protection alone: which Host and Origin headers pass, with the defaults and with IPv6. */
class OriginPolicyTest {
    private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "[::1]");
    private final OriginPolicy policy = new OriginPolicy(LOOPBACK, LOOPBACK, "127.0.0.1");

    @Test
    void loopbackNamesPassWithOrWithoutAPortInAnyCase() {
        assertThat(policy.refusal("localhost", null)).isNull();
        assertThat(policy.refusal("LOCALHOST:8080", null)).isNull();
        assertThat(policy.refusal(" 127.0.0.1:1 ", null)).isNull();
        assertThat(policy.refusal("[::1]:8080", null)).isNull();
        assertThat(policy.refusal("[::1]", "http://[::1]:3000")).isNull();
        assertThat(policy.refusal("localhost", "http://LocalHost:6274")).isNull();
    }

    @Test
    void aMissingOrForeignHostIsRefused() {
        assertThat(policy.refusal(null, null)).contains("no Host header");
        assertThat(policy.refusal("  ", null)).contains("no Host header");
        assertThat(policy.refusal("evil.example:8080", null)).contains("evil.example").contains("allowed_hosts");
        assertThat(policy.refusal("localhost.evil.example", null)).isNotNull();
        assertThat(policy.refusal("localhost.", null)).as("a trailing dot is another name").isNotNull();
        assertThat(policy.refusal("user@localhost", null)).isNotNull();
    }

    @Test
    void malformedIpv6HostsAreRefused() {
        assertThat(policy.refusal("::1", null)).as("unbracketed").isNotNull();
        assertThat(policy.refusal("[::1", null)).as("unclosed").isNotNull();
        assertThat(policy.refusal("[::2]:8080", null)).isNotNull();
    }

    @Test
    void foreignNullOrMalformedOriginsAreRefused() {
        assertThat(policy.refusal("localhost", "https://evil.example")).contains("allowed_origins");
        assertThat(policy.refusal("localhost", "http://localhost.evil.example")).isNotNull();
        assertThat(policy.refusal("localhost", "null")).as("a sandboxed page").isNotNull();
        assertThat(policy.refusal("localhost", "http://[::1")).isNotNull();
        assertThat(policy.refusal("localhost", "not a uri")).isNotNull();
        assertThat(policy.refusal("localhost", "")).isNotNull();
    }

    @Test
    void unbracketedIpv6InTheConfigMeansTheSameAddress() {
        OriginPolicy configured = new OriginPolicy(List.of("::1"), List.of("::1"), "::1");
        assertThat(configured.refusal("[::1]:9000", "http://[::1]:9000")).isNull();
        assertThat(configured.refusal("localhost", null)).isNotNull();
    }

    @Test
    void theBoundAddressIsAnAllowedHostButNotAnAllowedOrigin() {
        OriginPolicy bound = new OriginPolicy(LOOPBACK, LOOPBACK, "192.168.1.5");
        assertThat(bound.refusal("192.168.1.5:8080", null)).isNull();
        assertThat(bound.refusal("192.168.1.5:8080", "http://192.168.1.5:8080")).isNotNull();
    }

    @Test
    void aWildcardBindAddsNoHostAndAStarAllowsAny() {
        OriginPolicy wildcardBind = new OriginPolicy(LOOPBACK, LOOPBACK, "0.0.0.0");
        assertThat(wildcardBind.refusal("0.0.0.0", null)).isNotNull();
        OriginPolicy open = new OriginPolicy(List.of("*"), List.of("*"), "0.0.0.0");
        assertThat(open.refusal(null, "https://anything.example")).isNull();
        assertThat(open.refusal("anything.example", "null")).isNull();
    }

    @Test
    void stripPortKeepsIpv6Brackets() {
        assertThat(OriginPolicy.stripPort("[fe80::1]:443")).isEqualTo("[fe80::1]");
        assertThat(OriginPolicy.stripPort("host:443")).isEqualTo("host");
        assertThat(OriginPolicy.stripPort("host")).isEqualTo("host");
    }
}
