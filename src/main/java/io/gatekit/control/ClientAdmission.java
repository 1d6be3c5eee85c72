package io.gatekit.control;

import io.gatekit.chain.Decision;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;
import io.gatekit.jsonrpc.GatewayException;

/**
 * The first link: a client over its own in-flight ceiling or its rate limit is refused before anything else is done
 * for it.
 */
public final class ClientAdmission implements Link {
    private final AdmissionController admission;

    public ClientAdmission(AdmissionController admission) {
        this.admission = admission;
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        GatewayException refused = admission.admitClient(exchange.client());
        return refused == null ? Decision.proceed() : Decision.fail(refused.error());
    }
}
