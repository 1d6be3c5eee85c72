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
import tools.jackson.databind.node.StringNode;

/**
 * The link that resolves a tool, prompt, resource or completion to its upstream and renames it into that
 * upstream's terms on the way in, and renames the upstream's errors back into the client's terms on the way out.
 * Links after it see clean names and {@link Exchange#target()}. It blocks only to resolve a tool alias that no
 * list has shown yet (one fetch of the upstream's tool list).
 */
final class Targeting implements Link {
    /** The alias a tool was called by, for renaming the upstream's errors back to it. */
    private record CalledAs(String name) {}

    private final Targets targets;

    Targeting(Targets targets) {
        this.targets = targets;
    }

    @Override
    public boolean mayBlock(Exchange exchange) {
        return exchange.target() == null && "tools/call".equals(exchange.method())
                && exchange.request().params() instanceof ObjectNode params && targets.mayFetchTools(params);
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        Request request = exchange.request();
        if (!Targets.SINGLE_UPSTREAM_METHODS.contains(request.method())) {
            return Decision.proceed();
        }
        ObjectNode params = request.params() instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        // The chain moved to a virtual thread if mayBlock said so; a reader thread never waits for a list.
        Target target = targets.target(request.method(), params, exchange.deadlineNanos(), Thread.currentThread().isVirtual());
        exchange.target(target);
        if ("tools/call".equals(request.method()) && params.get("name") instanceof StringNode called
                && ToolNames.mayBeAlias(called.stringValue())
                && !called.stringValue().equals(Namespace.qualify(target.upstream().name(), target.name()))) {
            // Called by its alias: kept for the way back, as the params are renamed in place.
            exchange.attach(CalledAs.class, new CalledAs(called.stringValue()));
        }
        return Decision.proceedWith(request.withParams(Targets.renamed(request.method(), params, target.name())));
    }

    @Override
    public Response onResponse(Exchange exchange, Response response) {
        Target target = exchange.target();
        JsonRpcError error = response.error();
        if (target == null || error == null) {
            return response;
        }
        CalledAs alias = exchange.attachment(CalledAs.class);
        return Response.failure(response.id(), alias == null ? Targets.qualifyError(error, target)
                : Targets.qualifyError(error, target, alias.name()));
    }
}
