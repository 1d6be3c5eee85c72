package io.gatekit.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrincipalTest {

    @Test
    void scopesAndGroups_readTheUsualClaims() {
        Principal jwt = new Principal("alice", Map.of("scope", " mcp:tools  openid ", "scp", List.of("extra"),
                "groups", List.of("admins", "ops")));
        assertThat(jwt.scopes()).containsExactlyInAnyOrder("mcp:tools", "openid", "extra");
        assertThat(jwt.groups()).containsExactly("admins", "ops");
        assertThat(new Principal("bob", Map.of("groups", " Platform Admins ")).groups())
                .as("a string names one group").containsExactly("Platform Admins");
        assertThat(new Principal("bob", Map.of("groups", "")).groups()).isEmpty();
        assertThat(Principal.ANONYMOUS.scopes()).isEmpty();
        assertThat(Principal.ANONYMOUS.groups()).isEmpty();
    }

    @Test
    void otherClaims_areReadTheSameWay() {
        Principal custom = new Principal("dana", Map.of("roles", List.of("reader", "", 7), "perms", "a  b",
                "scp", "c"));
        assertThat(custom.groups("roles")).containsExactlyInAnyOrder("reader");
        assertThat(custom.scopes("perms")).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(custom.groups()).isEmpty();
    }

    @Test
    void theSameCaller_isTheSameIssuerAndSubject_whateverTheTokensOtherClaims() {
        Principal first = new Principal("alice", Map.of("iss", "https://idp", "exp", 100L, "jti", "a"));
        Principal refreshed = new Principal("alice", Map.of("iss", "https://idp", "exp", 200L, "jti", "b"));
        assertThat(first.sameCaller(refreshed)).isTrue();
        assertThat(first.sameCaller(new Principal("alice", Map.of("iss", "https://other-idp")))).isFalse();
        assertThat(first.sameCaller(new Principal("alice", Map.of()))).as("an API key named like a subject").isFalse();
        assertThat(first.sameCaller(Principal.ANONYMOUS)).isFalse();
        assertThat(Principal.ANONYMOUS.sameCaller(new Principal("", Map.of()))).isTrue();
    }
}
