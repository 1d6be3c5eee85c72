package io.gatekit.routing;

import io.gatekit.chain.Decision;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;
import io.gatekit.chain.Target;
import io.gatekit.upstream.Upstream;

/**
 * The last link: sends the request to its upstream and lets the answer come back when it comes, with no thread
 * waiting for it. Only a request for an upstream that is still starting needs a thread, since it waits (within
 * its deadline) for the upstream to be ready.
 */
final class Forwarding implements Link {
    private final Forwarder forwarder;

    Forwarding(Forwarder forwarder) {
        this.forwarder = forwarder;
    }

    @Override
    public boolean mayBlock(Exchange exchange) {
        Target target = exchange.target();
        return target != null && target.upstream().wouldWait(exchange, exchange.request().method());
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        Target target = exchange.target();
        if (target == null) {
            throw new IllegalStateException("nothing resolved a target for " + exchange.method());
        }
        return Decision.later(forwarder.send(exchange, target.upstream(), exchange.request(), exchange.inFlight().outcome(),
                exchange.deadlineNanos()));
    }
}
