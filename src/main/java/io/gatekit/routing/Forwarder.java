package io.gatekit.routing;

import io.gatekit.control.Admission;
import io.gatekit.control.AdmissionController;
import io.gatekit.control.DeadlineSweeper;
import io.gatekit.control.Permit;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.session.ClientSession;
import io.gatekit.upstream.PendingCall;
import io.gatekit.upstream.Upstream;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Sends one request to one upstream: admission, the call, the deadline, and cancellation. A timeout answers
 * with an error AND tells the upstream to cancel; a client cancel tells the upstream too and produces no
 * answer. Neither disturbs the connection. Two forms: {@link #call} waits on the calling virtual thread (lists,
 * fan-outs, anything that does more than one step); {@link #callAsync} registers the call and returns, the
 * answer arriving on the upstream's reader thread, which is what keeps a plain forward cheap (ADR 0002).
 * Deadlines are enforced for both by the {@link DeadlineSweeper}.
 */
final class Forwarder {
    private final AdmissionController admission;
    private final Duration requestTimeout;

    Forwarder(AdmissionController admission, Duration requestTimeout) {
        this.admission = admission;
        this.requestTimeout = requestTimeout;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * Calls {@code upstream} with {@code request} (already in the upstream's naming); {@code outcome} receives
     * the response and may be cancelled by the client. Returns the upstream's response (with the upstream id),
     * or throws {@link GatewayException} with the error to report, or {@link CancellationException} when the
     * client cancelled.
     */
    Response call(@Nullable ClientSession client, Upstream upstream, Request request, CompletableFuture<Response> outcome,
            long deadlineNanos) {
        Admission decision = admission.admit(upstream.name());
        if (decision instanceof Admission.Rejected(GatewayException reason)) {
            throw reason;
        }
        try (Permit permit = ((Admission.Admitted) decision).permit()) {
            PendingCall call = upstream.call(request, client, outcome, deadlineNanos);
            try {
                // The sweeper normally fails the call at its deadline; this bound is the backstop.
                long remaining = deadlineNanos - System.nanoTime() + DeadlineSweeperSlack.NANOS;
                return outcome.get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                upstream.abandon(call, "Gatekit request timeout");
                throw DeadlineSweeper.timeout(upstream.name(), request.method(), requestTimeout);
            } catch (CancellationException e) {
                upstream.abandon(call, "Cancelled by the client");
                throw e;
            } catch (ExecutionException e) {
                throw unwrap(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                upstream.abandon(call, "Gatekit is shutting down");
                throw new GatewayException(ErrorCode.SHUTTING_DOWN, "Gatekit is shutting down");
            }
        }
    }

    /**
     * The same call without a waiting thread: {@code done} receives the upstream's response or the failure
     * (a {@link GatewayException}, or a {@link CancellationException} when the client cancelled), on whichever
     * thread settles {@code outcome}: the upstream's reader, the client's reader on cancel, or the sweeper.
     */
    void callAsync(@Nullable ClientSession client, Upstream upstream, Request request, CompletableFuture<Response> outcome,
            long deadlineNanos, BiConsumer<Response, RuntimeException> done) {
        Admission decision = admission.admit(upstream.name());
        if (decision instanceof Admission.Rejected(GatewayException reason)) {
            done.accept(null, reason);
            return;
        }
        Permit permit = ((Admission.Admitted) decision).permit();
        PendingCall call;
        try {
            call = upstream.call(request, client, outcome, deadlineNanos);
        } catch (RuntimeException e) {
            permit.close();
            done.accept(null, e);
            return;
        }
        // The stage whenComplete returns is dropped: done is this call's only consumer and handles every outcome.
        var _ = outcome.whenComplete((response, error) -> {
            permit.close();
            if (error == null) {
                done.accept(response, null);
                return;
            }
            RuntimeException failure = unwrap(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            if (failure instanceof CancellationException) {
                upstream.abandon(call, "Cancelled by the client");
            }
            done.accept(null, failure);
        });
    }

    private static RuntimeException unwrap(@Nullable Throwable cause) {
        if (cause instanceof GatewayException g) {
            return g;
        }
        if (cause instanceof CancellationException c) {
            return c;
        }
        return new GatewayException(ErrorCode.INTERNAL_ERROR, "Upstream call failed: " + cause);
    }

    /** How long past its deadline a waiting thread gives the sweeper before timing out on its own. */
    private static final class DeadlineSweeperSlack {
        static final long NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    }
}
