package io.gatekit.config;

import java.util.List;
import java.util.Objects;

/**
 * The {@code policy:} section: who may see and use which upstreams, tools, prompts and resources. Rules are tried in
 * order; the first that applies to the caller and names the item decides; {@code defaultEffect} decides the rest.
 *
 * @param groupClaim the claim listing the caller's groups ({@code groups} by default)
 * @param scopeClaim the claim holding the caller's scopes, space-separated or a list ({@code scope} by default;
 *     {@code scp} is read as well)
 */
public record PolicyConfig(PolicyEffect defaultEffect, String groupClaim, String scopeClaim, List<PolicyRule> rules) {
    public static final String DEFAULT_GROUP_CLAIM = "groups";
    public static final String DEFAULT_SCOPE_CLAIM = "scope";

    public PolicyConfig {
        Objects.requireNonNull(defaultEffect, "defaultEffect");
        Objects.requireNonNull(groupClaim, "groupClaim");
        Objects.requireNonNull(scopeClaim, "scopeClaim");
        rules = List.copyOf(rules);
    }
}
