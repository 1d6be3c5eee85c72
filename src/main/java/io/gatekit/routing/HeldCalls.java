package io.gatekit.routing;

import io.gatekit.chain.Decision;
import io.gatekit.chain.Exchange;
import io.gatekit.chain.Link;
import io.gatekit.chain.Target;
import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.session.ClientSession;
import io.gatekit.upstream.CallOrigin;
import io.gatekit.upstream.PendingCall;
import io.gatekit.upstream.Upstream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Lets a 2026-07-28 client use a handshake-era upstream's server-to-client requests. Such a client cannot be sent a
 * request (the modern era has none); it is asked for input with a multi round-trip answer instead. So when a
 * handshake-era upstream asks for sampling, elicitation or roots during a modern client's call, the upstream call
 * is held open (under its deadline, with its upstream request unanswered), the client's call is answered
 * {@code input_required} with that request as its one input request and an integrity-protected
 * {@code requestState}, and the client's retry (new id, same call, {@code inputResponses} plus that state) answers
 * the upstream's request and takes the held call over: its answer is the retry's answer. The retry never goes
 * upstream as a new call.
 *
 * <p>The state is {@code gk1.<handle>.<mac>}: a random handle naming the held call and an HMAC over the handle and
 * the call it belongs to, with a key made per gateway. A forged, altered or replayed state is refused with -32602;
 * a state that is not of this form goes on to the upstream untouched (a stateless upstream's own state).
 *
 * <p>Concurrency: held calls are in a concurrent map, each taken at most once ({@code remove}); a held call's
 * upstream future removes it when it ends (deadline, upstream gone) without a retry.
 */
final class HeldCalls implements Link {
    /** The requests that may answer {@code input_required} (the modern era's multi round-trip requests). */
    static final Set<String> MULTI_ROUND_TRIP_METHODS = Set.of("tools/call", "prompts/get", "resources/read");
    private static final String PREFIX = "gk1.";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Secrets.Key key = new Secrets.Key();

    private record Held(String handle, Upstream upstream, String method, String name, PendingCall call,
            CompletableFuture<Response> outcome, String inputKey, JsonNode upstreamRequestId) {}

    /** What a held call reports to while no client is attached: progress goes nowhere. */
    private static final CallOrigin NOBODY = new CallOrigin() {
        @Override
        public void notifyCaller(Notification notification) {}

        @Override
        public boolean isGone() {
            return false;
        }
    };

    HeldCalls() {}

    /**
     * A server-to-client request from {@code upstream} for a 2026-07-28 client: if that client has exactly one
     * multi round-trip call in flight on the upstream, the call is held and answered {@code input_required}.
     * False, with nothing changed, when there is no such call.
     */
    boolean surface(ClientSession client, Upstream upstream, Request request) {
        PendingCall call = null;
        Exchange exchange = null;
        for (PendingCall candidate : upstream.inFlight()) {
            if (candidate.origin() instanceof Exchange e && e.client() == client
                    && MULTI_ROUND_TRIP_METHODS.contains(e.method()) && e.target() != null) {
                if (exchange != null) {
                    return false; // two calls of one client: which one asked cannot be told
                }
                exchange = e;
                call = candidate;
            }
        }
        if (exchange == null || call == null) {
            return false;
        }
        Target target = Objects.requireNonNull(exchange.target(), "the exchange was chosen for having a target");
        CompletableFuture<Response> outcome = new CompletableFuture<>();
        PendingCall rebound = upstream.rebind(call, NOBODY, outcome, call.deadlineNanos());
        if (rebound == null) {
            return false; // the call ended meanwhile
        }
        String handle = handle();
        String inputKey = request.method().replace('/', '-') + "-" + handle.substring(0, 8);
        Held entry = new Held(handle, upstream, exchange.method(), target.name(), rebound, outcome, inputKey,
                request.id());
        held.put(handle, entry);
        // Ended without a retry (the deadline, the upstream gone): nothing to hold any more.
        var _ = outcome.whenComplete((response, failure) -> held.remove(handle, entry));
        ObjectNode result = NODES.objectNode();
        result.put("resultType", "input_required");
        ObjectNode asked = result.putObject("inputRequests").putObject(inputKey);
        asked.put("method", request.method());
        asked.set("params", request.params() == null ? NODES.objectNode() : request.params());
        result.put("requestState", state(entry));
        exchange.inFlight().outcome().complete(Response.success(null, result));
        return true;
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        Target target = exchange.target();
        if (target == null || !(exchange.request().params() instanceof ObjectNode params)
                || !(params.get("requestState") instanceof StringNode state)
                || !state.stringValue().startsWith(PREFIX)) {
            return Decision.proceed();
        }
        Held entry = verify(state.stringValue());
        if (entry == null) {
            return target.upstream().isModern() ? Decision.proceed()
                    : Decision.fail(JsonRpcError.of(ErrorCode.INVALID_PARAMS, "requestState was not issued by this gateway"
                            + " for a call in progress (altered, already used, or the call ended): call again without it"));
        }
        if (entry.upstream() != target.upstream() || !entry.name().equals(target.name())
                || !entry.method().equals(exchange.method()) || !held.remove(entry.handle(), entry)) {
            return Decision.fail(JsonRpcError.of(ErrorCode.INVALID_PARAMS,
                    "requestState belongs to another request, or was already used: retry the request it came with"));
        }
        CompletableFuture<Response> answer = exchange.inFlight().outcome();
        PendingCall attached = entry.upstream().rebind(entry.call(), exchange, answer, exchange.deadlineNanos());
        JsonNode input = params.path("inputResponses").get(entry.inputKey());
        entry.upstream().reply(input instanceof ObjectNode given
                ? Response.success(entry.upstreamRequestId(), given)
                : Response.failure(entry.upstreamRequestId(), JsonRpcError.of(ErrorCode.INTERNAL_ERROR,
                        "The client's retry carried no input for '" + entry.inputKey() + "'")));
        if (attached == null) {
            return Decision.later(entry.outcome()); // the upstream call ended meanwhile: its end is the answer
        }
        // The stage whenComplete returns is dropped: this callback only tells the upstream; the chain has answer.
        var _ = answer.whenComplete((response, failure) -> {
            if (failure instanceof CancellationException) {
                entry.upstream().abandon(attached, "Cancelled by the client");
            }
        });
        return Decision.later(answer);
    }

    private String handle() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.randomBytes(16));
    }

    private String state(Held entry) {
        return PREFIX + entry.handle() + "." + mac(entry);
    }

    /** The held call a state names, if the state is intact and the call is still held. */
    private @Nullable Held verify(String state) {
        String[] parts = state.substring(PREFIX.length()).split("\\.", -1);
        if (parts.length != 2) {
            return null;
        }
        Held entry = held.get(parts[0]);
        if (entry == null) {
            return null;
        }
        byte[] expected = mac(entry).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, parts[1].getBytes(StandardCharsets.US_ASCII)) ? entry : null;
    }

    private String mac(Held entry) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key.get());
            String signed = entry.handle() + "\n" + entry.upstream().name() + "\n" + entry.method() + "\n" + entry.name();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
