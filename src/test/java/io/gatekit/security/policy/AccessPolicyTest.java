package io.gatekit.security.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatekit.config.PolicyConfig;
import io.gatekit.config.PolicyEffect;
import io.gatekit.config.PolicyRule;
import io.gatekit.session.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decision itself: rule order, whom a rule is about, what it names, read-only tools, the default. */
class AccessPolicyTest {
    private static final Principal ALICE = new Principal("alice", Map.of("groups", List.of("dev", "oncall")));
    private static final Principal BOB = new Principal("bob", Map.of("groups", "ops", "scope", "mcp:read  docs:read"));
    private static final Principal CAROL = new Principal("carol", Map.of("scp", List.of("mcp:write")));

    private static PolicyRule rule(String name, PolicyEffect effect, List<String> subjects, List<String> groups,
            List<String> scopes, List<String> upstreams, List<String> tools, boolean readOnlyTools) {
        return new PolicyRule(name, effect, subjects, groups, scopes, upstreams, tools, List.of(), List.of(), readOnlyTools);
    }

    private static AccessPolicy policy(PolicyEffect defaultEffect, PolicyRule... rules) {
        return AccessPolicy.of(Optional.of(new PolicyConfig(defaultEffect, "groups", "scope", List.of(rules))));
    }

    private static Verdict tool(AccessPolicy policy, Principal who, String upstream, String name, boolean readOnly) {
        return policy.forCaller(who).decide(AccessKind.TOOL, upstream, name, () -> readOnly);
    }

    @Test
    void theFirstRuleThatNamesTheItemDecidesAndTheDefaultDecidesTheRest() {
        AccessPolicy policy = policy(PolicyEffect.DENY,
                rule("no-deletes", PolicyEffect.DENY, List.of(), List.of(), List.of(), List.of(), List.of("*__delete_*"), false),
                rule("devs", PolicyEffect.ALLOW, List.of(), List.of("dev"), List.of(), List.of("github"), List.of(), false));
        assertThat(tool(policy, ALICE, "github", "search", false)).isEqualTo(new Verdict(true, "rule devs"));
        assertThat(tool(policy, ALICE, "github", "delete_repo", false)).isEqualTo(new Verdict(false, "rule no-deletes"));
        assertThat(tool(policy, ALICE, "jira", "search", false)).isEqualTo(new Verdict(false, "default"));
        assertThat(tool(policy, BOB, "github", "search", false)).isEqualTo(new Verdict(false, "default"));
        assertThat(policy.forCaller(ALICE).decide(AccessKind.PROMPT, "github", "review", () -> false).allowed()).isTrue();
    }

    @Test
    void rulesMatchSubjectsGroupsAndScopesFromEitherClaimShape() {
        PolicyRule readers = rule("readers", PolicyEffect.ALLOW, List.of(), List.of(), List.of("mcp:read"),
                List.of("docs"), List.of(), false);
        PolicyRule writers = rule("writers", PolicyEffect.ALLOW, List.of(), List.of(), List.of("mcp:write"),
                List.of("docs"), List.of(), false);
        PolicyRule cs = rule("c-people", PolicyEffect.ALLOW, List.of("c*"), List.of(), List.of(), List.of("wiki"), List.of(), false);
        AccessPolicy policy = policy(PolicyEffect.DENY, readers, writers, cs);
        assertThat(tool(policy, BOB, "docs", "x", false).decidedBy()).isEqualTo("rule readers"); // space-separated scope
        assertThat(tool(policy, CAROL, "docs", "x", false).decidedBy()).isEqualTo("rule writers"); // scp list
        assertThat(tool(policy, CAROL, "wiki", "x", false).allowed()).isTrue();
        assertThat(tool(policy, ALICE, "docs", "x", false).allowed()).isFalse();
    }

    @Test
    void thePolicyReadsGroupsAndScopesAsThePrincipalDoes() {
        Principal admin = new Principal("erin", Map.of("groups", "Platform Admins", "roles", List.of("ops"),
                "perms", "mcp:read mcp:write"));
        PolicyRule admins = rule("admins", PolicyEffect.ALLOW, List.of(), List.of("Platform Admins"), List.of(),
                List.of("a"), List.of(), false);
        PolicyRule ops = rule("ops", PolicyEffect.ALLOW, List.of(), List.of("ops"), List.of(), List.of("b"), List.of(), false);
        PolicyRule writers = rule("writers", PolicyEffect.ALLOW, List.of(), List.of(), List.of("mcp:write"),
                List.of("c"), List.of(), false);
        AccessPolicy byDefaultClaims = policy(PolicyEffect.DENY, admins, ops, writers);
        assertThat(tool(byDefaultClaims, admin, "a", "x", false).allowed()).isEqualTo(admin.groups().contains("Platform Admins"))
                .isTrue();
        assertThat(tool(byDefaultClaims, admin, "b", "x", false).allowed()).isFalse();
        AccessPolicy byOtherClaims = AccessPolicy.of(Optional.of(new PolicyConfig(PolicyEffect.DENY, "roles", "perms",
                List.of(admins, ops, writers))));
        assertThat(tool(byOtherClaims, admin, "a", "x", false).allowed()).isFalse();
        assertThat(tool(byOtherClaims, admin, "b", "x", false).allowed()).isEqualTo(admin.groups("roles").contains("ops"))
                .isTrue();
        assertThat(tool(byOtherClaims, admin, "c", "x", false).allowed())
                .isEqualTo(admin.scopes("perms").contains("mcp:write")).isTrue();
    }

    @Test
    void anonymousCallersMatchOnlyRulesAboutEveryone() {
        AccessPolicy policy = policy(PolicyEffect.DENY,
                rule("anyone-named", PolicyEffect.ALLOW, List.of("*"), List.of(), List.of(), List.of("a"), List.of(), false),
                rule("everyone", PolicyEffect.ALLOW, List.of(), List.of(), List.of(), List.of("b"), List.of(), false));
        assertThat(tool(policy, Principal.ANONYMOUS, "a", "x", false).allowed()).isFalse();
        assertThat(tool(policy, Principal.ANONYMOUS, "b", "x", false).allowed()).isTrue();
        assertThat(tool(policy, ALICE, "a", "x", false).allowed()).isTrue();
    }

    @Test
    void aReadOnlyRuleNamesOnlyToolsWithTheHintAndNeverLimitsPromptsOrResources() {
        AccessPolicy policy = policy(PolicyEffect.DENY,
                rule("read", PolicyEffect.ALLOW, List.of(), List.of(), List.of(), List.of("github"), List.of(), true));
        CallerPolicy caller = policy.forCaller(ALICE);
        assertThat(caller.readsReadOnlyHints()).isTrue();
        assertThat(tool(policy, ALICE, "github", "search", true).allowed()).isTrue();
        assertThat(tool(policy, ALICE, "github", "create_issue", false)).isEqualTo(new Verdict(false, "default"));
        assertThat(caller.decide(AccessKind.RESOURCE, "github", "repo://x", () -> {
            throw new AssertionError("a resource has no readOnlyHint");
        }).allowed()).isTrue();
    }

    @Test
    void globsAreLiteralButForStarAndQuestionMark() {
        AccessPolicy policy = policy(PolicyEffect.DENY,
                rule("exact", PolicyEffect.ALLOW, List.of(), List.of(), List.of(), List.of(), List.of("a__x.y", "a__v?"), false));
        assertThat(tool(policy, ALICE, "a", "x.y", false).allowed()).isTrue();
        assertThat(tool(policy, ALICE, "a", "xzy", false).allowed()).isFalse();
        assertThat(tool(policy, ALICE, "a", "v1", false).allowed()).isTrue();
        assertThat(tool(policy, ALICE, "a", "v10", false).allowed()).isFalse();
    }

    @Test
    void withoutAPolicyEverythingIsAllowed() {
        CallerPolicy caller = AccessPolicy.NONE.forCaller(Principal.ANONYMOUS);
        assertThat(caller.isUnrestricted()).isTrue();
        assertThat(caller.decide(AccessKind.TOOL, "a", "x", () -> false).allowed()).isTrue();
    }
}
