/**
 * Per-principal access policy (the {@code policy:} section): which upstreams, tools, prompts and resources each
 * caller may see and use. {@link io.gatekit.security.policy.CallerPolicy#decide} is the one decision: the merged
 * lists are filtered by it and {@link io.gatekit.security.policy.PolicyLink} authorises calls by it, so nothing a
 * caller cannot see can be called by name, and a denied call gets the error of an unknown name.
 */
@NullMarked
package io.gatekit.security.policy;

import org.jspecify.annotations.NullMarked;
