package io.gatekit.routing;

import io.gatekit.chain.Decision;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;
import io.gatekit.chain.Target;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The link that resolves a tool, prompt, resource or completion to its upstream and renames it into that
 * upstream's terms on the way in, and renames the upstream's errors back into the client's terms on the way out.
 * Links after it see clean names and {@link Exchange#target()}.
 */
final class Targeting implements Link {
    private final Targets targets;

    Targeting(Targets targets) {
        this.targets = targets;
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        Request request = exchange.request();
        if (!Targets.SINGLE_UPSTREAM_METHODS.contains(request.method())) {
            return Decision.proceed();
        }
        ObjectNode params = request.params() instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        Target target = targets.target(request.method(), params);
        exchange.target(target);
        return Decision.proceedWith(request.withParams(Targets.renamed(request.method(), params, target.name())));
    }

    @Override
    public Response onResponse(Exchange exchange, Response response) {
        Target target = exchange.target();
        JsonRpcError error = response.error();
        return target != null && error != null
                ? Response.failure(response.id(), Targets.qualifyError(error, target)) : response;
    }
}
