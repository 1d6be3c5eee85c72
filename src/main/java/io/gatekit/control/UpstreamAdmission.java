package io.gatekit.control;

import io.gatekit.chain.Decision;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;
import io.gatekit.chain.Target;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The link that admits a request to its upstream (ADR 0018): the upstream's rate limit, then the tool's own ceiling
 * if it has one, then the upstream's ceiling. Over a ceiling the request waits in that ceiling's fair queue holding no
 * thread ({@link Decision#resumeWhen}), and goes on when a slot is handed to it; it is refused when the queue is full,
 * or when its deadline passes first. A queued request the client cancels leaves its queue at once. Whatever the
 * request holds (slots, or a place in a queue) is given back when the exchange ends, however it ends.
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
        AdmissionController.UpstreamGate gate = admission.gate(target.upstream().name());
        if (gate == null) {
            return Decision.fail(AdmissionController.unconfigured(target.upstream().name()).error());
        }
        GatewayException limited = gate.rateLimit();
        if (limited != null) {
            return Decision.fail(limited.error());
        }
        Ceiling tool = gate.tools.isEmpty() ? null : toolCeiling(gate, exchange.request());
        if (tool != null) {
            switch (tool.admit(flowOf(exchange), admission.weightOf(exchange.client()), exchange.deadlineNanos())) {
                case Admission.Admitted(Permit permit) -> exchange.closeAtEnd(permit);
                case Admission.Rejected(GatewayException reason) -> {
                    return Decision.fail(reason.error());
                }
                case Admission.Queued(Ticket ticket) -> {
                    // The upstream's slot is asked for only once the tool's is held, so waiting for a busy tool
                    // never holds one of the upstream's slots.
                    return Decision.resumeWhen(waitFor(exchange, ticket)
                            .thenCompose(ignored -> upstreamSlot(exchange, gate.ceiling)));
                }
            }
        }
        return switch (gate.ceiling.admit(flowOf(exchange), admission.weightOf(exchange.client()), exchange.deadlineNanos())) {
            case Admission.Admitted(Permit permit) -> {
                exchange.closeAtEnd(permit);
                yield Decision.proceed();
            }
            case Admission.Rejected(GatewayException reason) -> Decision.fail(reason.error());
            case Admission.Queued(Ticket ticket) -> Decision.resumeWhen(waitFor(exchange, ticket));
        };
    }

    /**
     * Whose turn a waiting request takes in the fair queue: an authenticated caller's, across all its sessions (so
     * opening more sessions buys no bigger share), else its connection's.
     */
    private static Object flowOf(Exchange exchange) {
        return exchange.principal().isAnonymous() ? exchange.client() : exchange.principal().callerKey();
    }

    /** The upstream's slot for a request that already holds its tool's: at once, or when handed over. */
    private CompletableFuture<Void> upstreamSlot(Exchange exchange, Ceiling ceiling) {
        return switch (ceiling.admit(flowOf(exchange), admission.weightOf(exchange.client()), exchange.deadlineNanos())) {
            case Admission.Admitted(Permit permit) -> {
                exchange.closeAtEnd(permit);
                yield CompletableFuture.completedFuture(null);
            }
            case Admission.Rejected(GatewayException reason) -> CompletableFuture.failedFuture(reason);
            case Admission.Queued(Ticket ticket) -> waitFor(exchange, ticket);
        };
    }

    /** Holds {@code ticket} until the exchange ends, and withdraws it at once if the client cancels the request. */
    private static CompletableFuture<Void> waitFor(Exchange exchange, Ticket ticket) {
        exchange.closeAtEnd(ticket);
        // The stage is dropped: it only withdraws (a no-op once the ticket was granted, as after a normal answer).
        var _ = exchange.inFlight().outcome().whenComplete((answer, failure) -> ticket.withdraw());
        return ticket.ready();
    }

    /** The ceiling of the tool a {@code tools/call} names (in the upstream's terms, after renaming), if it has one. */
    private static @Nullable Ceiling toolCeiling(AdmissionController.UpstreamGate gate, Request request) {
        JsonNode params = request.params();
        if (!"tools/call".equals(request.method()) || params == null) {
            return null;
        }
        JsonNode name = params.get("name");
        return name != null && name.isString() ? gate.toolCeiling(name.stringValue()) : null;
    }
}
