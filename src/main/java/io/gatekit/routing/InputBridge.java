package io.gatekit.routing;

import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;
import io.gatekit.chain.Target;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcIds;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.session.ClientInfo;
import io.gatekit.session.ClientSession;
import io.gatekit.session.OutgoingRequest;
import io.gatekit.upstream.Upstream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Lets a legacy (session) client use a stateless-era upstream's multi round-trip requests. A 2026-07-28 server
 * asks for input by answering {@code input_required}; a legacy client cannot read that, but it can answer
 * server-to-client requests. So each input request goes to the client as one (elicitation, sampling, roots, with
 * the capability it needs), and the original request is retried with the answers and the server's
 * {@code requestState}, until the server's answer is complete. The upstream sees a modern client; the client sees
 * the legacy flow it knows.
 */
final class InputBridge implements Link {
    /** An upstream that keeps asking is cut off rather than looping forever. */
    static final int MAX_ROUNDS = 8;

    private final JsonRpcCodec codec;
    private final Forwarder forwarder;

    InputBridge(JsonRpcCodec codec, Forwarder forwarder) {
        this.codec = codec;
        this.forwarder = forwarder;
    }

    /** Only a legacy client calling a stateless upstream may need the bridge, and then it waits for the client. */
    @Override
    public boolean mayBlock(Exchange exchange) {
        Target target = exchange.target();
        return target != null && !exchange.client().info().isModern() && target.upstream().isModern();
    }

    @Override
    public boolean readsBodies(Exchange exchange) {
        return mayBlock(exchange);
    }

    /**
     * An answer that asks for input is settled with the client; each retry is a new upstream request, so the
     * client's cancel reaches the first and the deadline bounds them all.
     */
    @Override
    public Response onResponse(Exchange exchange, Response response) {
        Target target = exchange.target();
        if (target == null || !mayBlock(exchange) || !asksForInput(response)) {
            return response;
        }
        Upstream upstream = target.upstream();
        return settle(exchange.client(), upstream, exchange.request(), response, exchange.deadlineNanos(),
                retry -> forwarder.call(exchange, upstream, retry, new CompletableFuture<>(), exchange.deadlineNanos()));
    }

    /** Whether {@code answer} asks for input, which a legacy client needs the bridge for. */
    boolean asksForInput(Response answer) {
        return !answer.isError()
                && "input_required".equals(codec.materialize(answer.successResult()).path("resultType").asString(null));
    }

    /**
     * Settles {@code answer} (which asks for input) for {@code client}: asks the client, retries through
     * {@code retry}, and returns the first answer that does not ask again. Throws {@link GatewayException} with a
     * clear reason when the client cannot give the input or the rounds run out.
     */
    Response settle(ClientSession client, Upstream upstream, Request call, Response answer, long deadlineNanos,
            java.util.function.Function<Request, Response> retry) {
        for (int round = 1; asksForInput(answer); round++) {
            if (round > MAX_ROUNDS) {
                throw new GatewayException(ErrorCode.INTERNAL_ERROR, "Upstream '" + upstream.name() + "' asked for input "
                        + MAX_ROUNDS + " times for one " + call.method() + "; Gatekit stopped asking the client");
            }
            ObjectNode asked = (ObjectNode) codec.materialize(answer.successResult());
            ObjectNode params = call.params() instanceof ObjectNode p ? p.deepCopy() : JsonNodeFactory.instance.objectNode();
            params.set("inputResponses", ask(client, upstream, asked.path("inputRequests"), deadlineNanos));
            JsonNode state = asked.get("requestState");
            if (state != null && !state.isNull()) {
                params.set("requestState", state);
            } else {
                params.remove("requestState");
            }
            answer = retry.apply(call.withParams(params));
        }
        return answer;
    }

    /** Sends every input request to the client at once and collects the answers by key. */
    private ObjectNode ask(ClientSession client, Upstream upstream, JsonNode inputRequests, long deadlineNanos) {
        Map<String, CompletableFuture<Response>> pending = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> input : inputRequests.properties()) {
            String method = input.getValue().path("method").asString("");
            String capability = ClientInfo.capabilityFor(method);
            if (capability == null) {
                throw new GatewayException(ErrorCode.INTERNAL_ERROR, "Upstream '" + upstream.name()
                        + "' asked for input of an unknown kind '" + method + "'");
            }
            if (!client.isReady() || !client.info().hasCapability(capability)) {
                throw new GatewayException(new JsonRpcError(-32021, "Upstream '" + upstream.name() + "' needs input ("
                        + method + ") that this client cannot give: it did not declare the '" + capability + "' capability",
                        JsonNodeFactory.instance.objectNode().set("requiredCapabilities",
                                JsonNodeFactory.instance.arrayNode().add(capability))));
            }
            CompletableFuture<Response> reply = new CompletableFuture<>();
            Request request = new Request(JsonRpcIds.of(0), method, input.getValue().path("params"));
            if (!client.forward(request, new OutgoingRequest(upstream.name(), JsonRpcIds.of(input.getKey()), method, reply::complete))) {
                throw new GatewayException(ErrorCode.INTERNAL_ERROR, "The client went away before it could be asked for input");
            }
            pending.put(input.getKey(), reply);
        }
        ObjectNode responses = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, CompletableFuture<Response>> entry : pending.entrySet()) {
            Response reply = await(entry.getValue(), deadlineNanos, upstream);
            JsonRpcError refused = reply.error();
            if (refused != null) {
                throw new GatewayException(new JsonRpcError(refused.code(), "The client refused the input '"
                        + entry.getKey() + "' that upstream '" + upstream.name() + "' asked for: " + refused.message(),
                        refused.data()));
            }
            responses.set(entry.getKey(), codec.materialize(reply.successResult()));
        }
        return responses;
    }

    private static Response await(CompletableFuture<Response> reply, long deadlineNanos, Upstream upstream) {
        try {
            return reply.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new GatewayException(ErrorCode.REQUEST_TIMEOUT, "The client did not give the input upstream '"
                    + upstream.name() + "' asked for before the request timed out");
        } catch (ExecutionException e) {
            throw new GatewayException(ErrorCode.INTERNAL_ERROR, "Asking the client for input failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(ErrorCode.SHUTTING_DOWN, "Gatekit is shutting down");
        }
    }
}
