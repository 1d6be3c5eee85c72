package io.gatekit.control;

import io.gatekit.chain.Decision;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.session.Principal;

/**
 * The first link: a client over its own in-flight ceiling or its rate limit is refused before anything else is done
 * for it. An authenticated caller's limits cover all its sessions and stateless requests together; an anonymous
 * client's cover its connection.
 */
public final class ClientAdmission implements Link {
    private final AdmissionController admission;

    public ClientAdmission(AdmissionController admission) {
        this.admission = admission;
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        Principal caller = exchange.principal();
        GatewayException refused = caller.isAnonymous() ? admission.admitClient(exchange.client())
                : admission.admitCaller(caller, exchange::closeAtEnd);
        return refused == null ? Decision.proceed() : Decision.fail(refused.error());
    }
}
