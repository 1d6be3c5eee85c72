package io.gatekit.security.policy;

import io.gatekit.chain.Decision;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;

/**
 * Refuses what {@link PolicyLink} denied. It sits after the plugins, so auditors record a denied request and its
 * refusal, each with the decision; a denied request's arguments pass the security filters first (ADR 0022). The
 * refusal is an unknown name's error (-32602 {@code Unknown tool: <name>}), so a caller cannot tell a hidden item
 * from a missing one.
 */
public final class PolicyEnforcement implements Link {

    @Override
    public Decision onRequest(Exchange exchange) {
        PolicyLink.Denied denied = exchange.attachment(PolicyLink.Denied.class);
        return denied == null ? Decision.proceed() : Decision.fail(denied.error());
    }
}
