package io.gatekit.control;

import io.gatekit.jsonrpc.GatewayException;

/** The admission decision for one request: go ahead holding a permit, or the error to answer with. */
public sealed interface Admission {

    /** Admitted; close the permit when the request ends, however it ends. */
    record Admitted(Permit permit) implements Admission {}

    /** Refused; nothing was sent upstream. */
    record Rejected(GatewayException reason) implements Admission {}
}
