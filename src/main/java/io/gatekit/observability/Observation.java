package io.gatekit.observability;

import io.gatekit.chain.Decision;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import org.jspecify.annotations.Nullable;

/**
 * The first link of the chain: reports every request to the {@link GatewayEvents} as it enters and once as it ends.
 * Being first, it sees the final answer on the way back (after every other link shaped it); a request that gets no
 * answer (cancelled) is reported when the exchange releases its resources. Refusals for load (-32004) are told apart
 * by where they happened: before targeting (the client's ceiling) or after (the upstream's).
 *
 * <p>Per request: one small object (the {@link Ending}), kept in the exchange's own observation slot (not its list of
 * resources to release, which then stays a single field for the common one upstream slot); no map, no string work.
 */
public final class Observation implements Link {
    private final GatewayEvents events;

    public Observation(GatewayEvents events) {
        this.events = events;
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        Ending ending = new Ending(exchange, events);
        exchange.observation(ending); // closed by the exchange at its end, after what other links hold
        events.requestStarted(exchange);
        return Decision.proceed();
    }

    @Override
    public Response onResponse(Exchange exchange, Response response) {
        if (exchange.observation() instanceof Ending ending) {
            ending.answered(response.error());
        }
        return response;
    }

    /** Reports the end once: with the answer's outcome, or as cancelled when there was none. */
    private static final class Ending implements AutoCloseable {
        private final Exchange exchange;
        private final GatewayEvents events;
        private @Nullable Outcome outcome;
        private @Nullable JsonRpcError error;

        Ending(Exchange exchange, GatewayEvents events) {
            this.exchange = exchange;
            this.events = events;
        }

        void answered(@Nullable JsonRpcError error) {
            this.error = error;
            outcome = Outcome.of(error);
            if (outcome == Outcome.REFUSED && error != null && error.code() == ErrorCode.OVERLOADED.code()) {
                events.refused(exchange.target() == null ? GatewayEvents.Refusal.CLIENT_LIMIT
                        : GatewayEvents.Refusal.UPSTREAM_LIMIT);
            }
        }

        @Override
        public void close() {
            Outcome ended = outcome == null ? Outcome.CANCELLED : outcome;
            events.requestEnded(exchange, ended, error, System.nanoTime() - exchange.startNanos());
        }
    }
}
