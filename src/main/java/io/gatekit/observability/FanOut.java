package io.gatekit.observability;

import io.gatekit.chain.Exchange;
import io.gatekit.jsonrpc.JsonRpcError;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/** Every event to several observers, in order (metrics and tracing both on). */
final class FanOut implements GatewayEvents {
    private final GatewayEvents[] observers;

    FanOut(GatewayEvents[] observers) {
        this.observers = observers;
    }

    @Override
    public void requestStarted(Exchange exchange) {
        for (GatewayEvents o : observers) {
            o.requestStarted(exchange);
        }
    }

    @Override
    public void requestEnded(Exchange exchange, Outcome outcome, @Nullable JsonRpcError error, long nanos) {
        for (GatewayEvents o : observers) {
            o.requestEnded(exchange, outcome, error, nanos);
        }
    }

    @Override
    public void refused(Refusal reason) {
        for (GatewayEvents o : observers) {
            o.refused(reason);
        }
    }

    @Override
    public void sessionOpened() {
        for (GatewayEvents o : observers) {
            o.sessionOpened();
        }
    }

    @Override
    public void sessionClosed() {
        for (GatewayEvents o : observers) {
            o.sessionClosed();
        }
    }

    @Override
    public void pluginRan(String handler, long nanos) {
        for (GatewayEvents o : observers) {
            o.pluginRan(handler, nanos);
        }
    }

    @Override
    public void queueDepthSource(String name, IntSupplier depth) {
        for (GatewayEvents o : observers) {
            o.queueDepthSource(name, depth);
        }
    }
}
