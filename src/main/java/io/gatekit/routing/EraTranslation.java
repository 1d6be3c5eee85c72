package io.gatekit.routing;

import io.gatekit.chain.Decision;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;
import io.gatekit.chain.Target;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.McpMeta;
import tools.jackson.databind.node.ObjectNode;

/**
 * The link that gives a handshake-era upstream a client's request in its own era's terms: without the 2026-07-28
 * envelope keys in {@code _meta}, which servers of that era may refuse (the official Python SDK does). A modern
 * upstream's wire builds the modern envelope itself (upstream.ModernProtocol), so each era gets exactly its own.
 */
final class EraTranslation implements Link {

    @Override
    public Decision onRequest(Exchange exchange) {
        Target target = exchange.target();
        if (target == null || target.upstream().isModern()) {
            return Decision.proceed();
        }
        Request request = exchange.request();
        if (!(request.params() instanceof ObjectNode params) || !(params.get("_meta") instanceof ObjectNode)) {
            return Decision.proceed(); // nothing to take off (the plain hot shape)
        }
        return Decision.proceedWith(request.withParams(McpMeta.withoutModernEnvelope(params)));
    }
}
