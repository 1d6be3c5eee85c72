package io.gatekit.security.policy;

import io.gatekit.config.PolicyConfig;
import io.gatekit.config.PolicyEffect;
import io.gatekit.session.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code policy:} section, compiled: immutable, shared by every request. {@link #forCaller} picks the rules that
 * apply to one caller once; the {@link CallerPolicy} it returns decides every item for that caller.
 */
public final class AccessPolicy {
    /** What a gateway without a {@code policy:} section runs: everything allowed to everyone. */
    public static final AccessPolicy NONE = new AccessPolicy(Optional.empty());

    private final boolean configured;
    private final boolean defaultAllows;
    private final String groupClaim;
    private final String scopeClaim;
    private final List<CompiledRule> rules;

    private AccessPolicy(Optional<PolicyConfig> config) {
        this.configured = config.isPresent();
        this.defaultAllows = config.map(c -> c.defaultEffect() == PolicyEffect.ALLOW).orElse(true);
        this.groupClaim = config.map(PolicyConfig::groupClaim).orElse(PolicyConfig.DEFAULT_GROUP_CLAIM);
        this.scopeClaim = config.map(PolicyConfig::scopeClaim).orElse(PolicyConfig.DEFAULT_SCOPE_CLAIM);
        List<CompiledRule> compiled = new ArrayList<>();
        config.ifPresent(c -> c.rules().forEach(rule -> compiled.add(new CompiledRule(rule))));
        this.rules = List.copyOf(compiled);
    }

    public static AccessPolicy of(Optional<PolicyConfig> config) {
        return config.isEmpty() ? NONE : new AccessPolicy(config);
    }

    /** Whether a {@code policy:} section is in force (without one, nothing is hidden and nothing recorded). */
    public boolean isConfigured() {
        return configured;
    }

    /** The policy as it applies to {@code principal}: the rules about them, in order, then the default. */
    public CallerPolicy forCaller(Principal principal) {
        if (!configured) {
            return CallerPolicy.UNRESTRICTED;
        }
        Caller caller = Caller.of(principal, groupClaim, scopeClaim);
        return new CallerPolicy(rules.stream().filter(rule -> rule.appliesTo(caller)).toList(), defaultAllows);
    }
}
