package io.gatekit.control;

import io.gatekit.chain.Decision;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;
import io.gatekit.chain.Target;
import io.gatekit.jsonrpc.GatewayException;

/**
 * The link that admits a request to its upstream under that upstream's in-flight ceiling; the slot is held until
 * the exchange ends, however it ends.
 */
public final class UpstreamAdmission implements Link {
    private final AdmissionController admission;

    public UpstreamAdmission(AdmissionController admission) {
        this.admission = admission;
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        Target target = exchange.target();
        if (target == null) {
            return Decision.proceed();
        }
        return switch (admission.admit(target.upstream().name())) {
            case Admission.Admitted(Permit permit) -> {
                exchange.closeAtEnd(permit);
                yield Decision.proceed();
            }
            case Admission.Rejected(GatewayException reason) -> Decision.fail(reason.error());
        };
    }
}
