package io.gatekit.routing;

import io.gatekit.control.Admission;
import io.gatekit.control.AdmissionController;
import io.gatekit.control.DeadlineSweeper;
import io.gatekit.control.Permit;
import io.gatekit.control.Slot;
import io.gatekit.control.Ticket;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.upstream.CallOrigin;
import io.gatekit.upstream.PendingCall;
import io.gatekit.upstream.Upstream;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends one request to one upstream: the call, the deadline, and cancellation. A timeout answers with an error
 * AND tells the upstream to cancel; a client cancel tells the upstream too and produces no answer. Neither
 * disturbs the connection. Two forms: {@link #send} registers the call and returns, the answer completing the
 * future on the upstream's reader thread (a client request, admitted by the chain); {@link #call} admits and waits
 * on the calling virtual thread (the gateway's own calls: lists, subscriptions, log levels, input retries), waiting in
 * the upstream's queue, as a flow of their own, when its ceiling is full.
 * Deadlines are enforced for both by the {@link DeadlineSweeper}.
 */
final class Forwarder {
    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);
    /** How long past its deadline a waiting thread gives the sweeper before timing out on its own. */
    private static final long SWEEPER_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final AdmissionController admission;
    /** {@code request_timeout}, for the gateway's own calls; volatile: a hot reload replaces it. */
    private volatile Duration requestTimeout;

    Forwarder(AdmissionController admission, Duration requestTimeout) {
        this.admission = admission;
        this.requestTimeout = requestTimeout;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    void reconfigure(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    /**
     * Sends {@code request} (already in the upstream's naming) and returns {@code outcome}, which the upstream's
     * response completes, the sweeper fails at the deadline, and the client may cancel (the upstream is then told
     * to stop). Throws {@link GatewayException} when the upstream cannot take it.
     */
    CompletableFuture<Response> send(CallOrigin origin, Upstream upstream, Request request,
            CompletableFuture<Response> outcome, long deadlineNanos) {
        PendingCall call = upstream.call(request, origin, outcome, deadlineNanos);
        // The stage whenComplete returns is dropped: this callback only tells the upstream; the caller has outcome.
        var _ = outcome.whenComplete((response, failure) -> {
            if (failure instanceof CancellationException) {
                upstream.abandon(call, "Cancelled by the client");
            }
        });
        return outcome;
    }

    /**
     * Admits and calls {@code upstream}, waiting for the answer. Returns the upstream's response (with the upstream
     * id), or throws {@link GatewayException} with the error to report, or {@link CancellationException} when the
     * client cancelled. {@code origin} is null for the gateway's own bookkeeping calls.
     */
    Response call(@Nullable CallOrigin origin, Upstream upstream, Request request, CompletableFuture<Response> outcome,
            long deadlineNanos) {
        Slot slot = switch (admission.admit(upstream.name(), deadlineNanos)) {
            case Admission.Admitted(Permit permit) -> permit;
            case Admission.Queued(Ticket ticket) -> awaitTurn(ticket, upstream, request, deadlineNanos);
            case Admission.Rejected(GatewayException reason) -> throw reason;
        };
        try (slot) {
            PendingCall call = upstream.call(request, origin, outcome, deadlineNanos);
            try {
                // The sweeper normally fails the call at its deadline; this bound is the backstop.
                long remaining = deadlineNanos - System.nanoTime() + SWEEPER_SLACK_NANOS;
                return outcome.get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                upstream.abandon(call, "Gatekit request timeout");
                throw DeadlineSweeper.timeout(upstream.name(), request.method(), requestTimeout);
            } catch (CancellationException e) {
                upstream.abandon(call, "Cancelled by the client");
                throw e;
            } catch (ExecutionException e) {
                throw e.getCause() instanceof GatewayException g ? g
                        : new GatewayException(ErrorCode.INTERNAL_ERROR, "Upstream call failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                upstream.abandon(call, "Gatekit is shutting down");
                throw new GatewayException(ErrorCode.SHUTTING_DOWN, "Gatekit is shutting down");
            }
        }
    }

    /**
     * Waits, on this virtual thread, for the slot {@code ticket} queued for; throws the refusal when the deadline
     * passes first (the sweeper's, or this thread's own bound as a backstop).
     */
    private Ticket awaitTurn(Ticket ticket, Upstream upstream, Request request, long deadlineNanos) {
        try {
            ticket.ready().get(Math.max(deadlineNanos - System.nanoTime() + SWEEPER_SLACK_NANOS, 0), TimeUnit.NANOSECONDS);
            return ticket;
        } catch (TimeoutException e) {
            ticket.close();
            throw DeadlineSweeper.timeout(upstream.name(), request.method(), requestTimeout);
        } catch (ExecutionException e) {
            ticket.close();
            throw e.getCause() instanceof GatewayException g ? g
                    : new GatewayException(ErrorCode.INTERNAL_ERROR, "Waiting for a slot failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ticket.close();
            throw new GatewayException(ErrorCode.SHUTTING_DOWN, "Gatekit is shutting down");
        }
    }

    /** A gateway bookkeeping call; what went wrong, or null when the upstream accepted it. */
    @Nullable String callForProblem(Upstream upstream, String method, ObjectNode params, long deadlineNanos) {
        try {
            Response response = call(null, upstream, new Request(JsonRpcIds.of(0), method, params), new CompletableFuture<>(),
                    deadlineNanos);
            JsonRpcError error = response.error();
            return error == null ? null : error.message();
        } catch (GatewayException e) {
            return e.getMessage();
        }
    }

    /** A gateway bookkeeping call to a ready upstream, failures logged. */
    void callQuietly(Upstream upstream, String method, ObjectNode params) {
        if (upstream.state() != Upstream.State.READY) {
            return;
        }
        String problem = callForProblem(upstream, method, params, System.nanoTime() + requestTimeout.toNanos());
        if (problem != null) {
            log.warn("{} on upstream {} failed: {}", method, upstream.name(), problem);
        }
    }
}
