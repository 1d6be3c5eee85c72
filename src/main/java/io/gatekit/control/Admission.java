package io.gatekit.control;

import io.gatekit.jsonrpc.GatewayException;

/**
 * The admission decision for one request: go ahead holding a permit, wait in the queue holding a ticket, or the error
 * to answer with.
 */
public sealed interface Admission {

    /** Admitted; close the permit when the request ends, however it ends. */
    record Admitted(Permit permit) implements Admission {}

    /**
     * Over the ceiling, waiting in its fair queue: go on when the ticket's {@link Ticket#ready()} completes (a slot
     * was handed over); it fails with the refusal if the deadline passes first. Close the ticket when the request
     * ends (it gives back the slot, or the place in the queue); {@link Ticket#withdraw} takes it out at once.
     */
    record Queued(Ticket ticket) implements Admission {}

    /** Refused; nothing was sent upstream. */
    record Rejected(GatewayException reason) implements Admission {}
}
