package io.gatekit.config;

/** What a policy rule, or the policy's default, does to the items it decides. */
public enum PolicyEffect implements ConfigChoice {
    ALLOW,
    DENY
}
