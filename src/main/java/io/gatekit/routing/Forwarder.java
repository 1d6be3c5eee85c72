package io.gatekit.routing;

import io.gatekit.control.Admission;
import io.gatekit.control.AdmissionController;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one request to one upstream and waits for its answer, on the calling (virtual) thread: admission,
 * the call, the deadline, and cancellation. A timeout answers with an error AND tells the upstream to cancel;
 * a client cancel tells the upstream too and produces no answer. Neither disturbs the connection.
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
    Response call(ClientSession client, Upstream upstream, Request request, CompletableFuture<Response> outcome,
            long deadlineNanos) {
        Admission decision = admission.admit(upstream.name());
        if (decision instanceof Admission.Rejected(GatewayException reason)) {
            throw reason;
        }
        try (Permit permit = ((Admission.Admitted) decision).permit()) {
            PendingCall call = upstream.call(request, client, outcome, deadlineNanos);
            try {
                long remaining = deadlineNanos - System.nanoTime();
                return outcome.get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                upstream.abandon(call, "Gatekit request timeout");
                throw new GatewayException(ErrorCode.REQUEST_TIMEOUT, "Request " + request.method()
                        + " to upstream '" + upstream.name() + "' timed out after " + seconds(requestTimeout)
                        + " (proxy.timeouts.request_timeout); the upstream was asked to cancel it");
            } catch (CancellationException e) {
                upstream.abandon(call, "Cancelled by the client");
                throw e;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GatewayException g) {
                    throw g;
                }
                throw new GatewayException(ErrorCode.INTERNAL_ERROR, "Upstream call failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                upstream.abandon(call, "Gatekit is shutting down");
                throw new GatewayException(ErrorCode.SHUTTING_DOWN, "Gatekit is shutting down");
            }
        }
    }

    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : String.format(java.util.Locale.ROOT, "%.3f s", millis / 1000.0);
    }
}
