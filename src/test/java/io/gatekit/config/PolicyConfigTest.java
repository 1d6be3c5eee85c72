package io.gatekit.config;

import static io.gatekit.config.ConfigTesting.parse;
import static io.gatekit.config.ConfigTesting.problems;
import static io.gatekit.config.ConfigTesting.withUpstreams;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code policy:} section and {@code proxy.stdio.principal}: bound, defaulted, and refused with a location. */
class PolicyConfigTest {
    private static final String UPSTREAMS = withUpstreams("    - {name: github, command: [x]}\n    - {name: docs, command: [x]}\n");

    @Test
    void bindsRulesInOrderWithTheirSelectors() {
        GatewayConfig config = parse(UPSTREAMS + """
                policy:
                  default: deny
                  group_claim: roles
                  rules:
                    - name: readers
                      effect: allow
                      scopes: [mcp:read]
                      upstreams: [docs]
                      tools: ['github__search_*']
                      read_only_tools: true
                    - {effect: deny, subjects: [mallory], prompts: ['*']}
                """);
        PolicyConfig policy = config.policy().orElseThrow();
        assertThat(policy.defaultEffect()).isEqualTo(PolicyEffect.DENY);
        assertThat(policy.groupClaim()).isEqualTo("roles");
        assertThat(policy.scopeClaim()).isEqualTo("scope");
        assertThat(policy.rules()).containsExactly(
                new PolicyRule("readers", PolicyEffect.ALLOW, List.of(), List.of(), List.of("mcp:read"), List.of("docs"),
                        List.of("github__search_*"), List.of(), List.of(), true),
                new PolicyRule("rules[1]", PolicyEffect.DENY, List.of("mallory"), List.of(), List.of(), List.of(),
                        List.of(), List.of("*"), List.of(), false));
    }

    @Test
    void noSectionMeansNoPolicy() {
        assertThat(parse(UPSTREAMS).policy()).isEmpty();
    }

    @Test
    void theDefaultMustBeStated() {
        assertThat(problems(UPSTREAMS + "policy:\n  rules: []\n")).singleElement()
                .hasToString("test.yaml:6:1: policy.default: missing required key 'default'");
    }

    @Test
    void aRuleThatNamesNothingOrAnUnknownUpstreamIsRefusedAtItsLine() {
        List<ConfigProblem> problems = problems(UPSTREAMS + """
                policy:
                  default: allow
                  rules:
                    - {effect: deny, groups: [contractors]}
                    - {effect: allow, upstreams: [githb, 'd*']}
                """);
        assertThat(problems).extracting(Object::toString).containsExactly(
                "test.yaml:9:7: policy.rules[0]: the rule names nothing: give upstreams, tools, prompts or resources",
                "test.yaml:10:35: policy.rules[1].upstreams[0]: no upstream named 'githb'; did you mean 'github'?");
    }

    @Test
    void stdioPrincipalKeepsItsClaimsAsPlainValues() {
        GatewayConfig config = parse("""
                proxy:
                  transport: stdio
                  stdio:
                    principal: {subject: alice, claims: {groups: [dev], scope: "mcp:read", level: 3}}
                  upstreams: [{name: a, command: [x]}]
                """);
        assertThat(config.proxy().stdioPrincipal()).contains(new StdioPrincipal("alice",
                Map.of("groups", List.of("dev"), "scope", "mcp:read", "level", 3)));
    }
}
