package io.gatekit.routing;

import io.gatekit.chain.Decision;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.session.ClientSession;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The link that answers the gateway's own methods: {@code initialize}, {@code ping}, the merged lists,
 * subscriptions and listen streams, log levels; anything else that names no upstream is -32601. Requests that
 * {@link Targeting} resolved to an upstream pass on. Its answers flow back through the links before it, so
 * whatever filters a tool list sees the merged one.
 */
final class GatewayMethods implements Link {
    private final Lifecycle lifecycle;
    private final ListPager lists;
    private final ResourceSubscriptions subscriptions;
    private final LogLevels logLevels;

    GatewayMethods(Lifecycle lifecycle, ListPager lists, ResourceSubscriptions subscriptions, LogLevels logLevels) {
        this.lifecycle = lifecycle;
        this.lists = lists;
        this.subscriptions = subscriptions;
        this.logLevels = logLevels;
    }

    /** Its methods wait for upstreams (starting, listing, subscribing); only ping never does. */
    @Override
    public boolean mayBlock(Exchange exchange) {
        return exchange.target() == null && !"ping".equals(exchange.method());
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        if (exchange.target() != null) {
            return Decision.proceed();
        }
        String method = exchange.method();
        ClientSession client = exchange.client();
        ObjectNode params = exchange.request().params() instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        JsonNode result = switch (method) {
            case "initialize" -> lifecycle.initialize(client, params);
            case "ping" -> JsonNodeFactory.instance.objectNode();
            case "resources/subscribe", "resources/unsubscribe" -> subscriptions.subscription(exchange, params);
            case "subscriptions/listen" -> subscriptions.listen(client, params, exchange.deadlineNanos());
            case "logging/setLevel" -> logLevels.setLevel(client, params, exchange.deadlineNanos());
            default -> {
                ListKind kind = ListKind.forMethod(method);
                if (kind == null) {
                    throw new GatewayException(ErrorCode.METHOD_NOT_FOUND, "Method not found: " + method);
                }
                yield lists.page(client, kind, params, exchange.deadlineNanos());
            }
        };
        return Decision.answer(result);
    }
}
