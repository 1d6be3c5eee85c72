package io.gatekit.security.policy;

import io.gatekit.config.PolicyConfig;
import java.util.Optional;

/**
 * The policy in force for one gateway; a hot reload replaces it whole. Thread-safe: one volatile field, read once
 * per request (list or call), so a request is decided by one policy from start to end.
 */
public final class CurrentPolicy {
    private volatile AccessPolicy policy;

    public CurrentPolicy(Optional<PolicyConfig> config) {
        this.policy = AccessPolicy.of(config);
    }

    public AccessPolicy get() {
        return policy;
    }

    public void replace(Optional<PolicyConfig> config) {
        this.policy = AccessPolicy.of(config);
    }
}
