package io.gatekit.chain;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcCodec;
import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import io.gatekit.session.ClientSession;
import io.gatekit.session.InFlight;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path every client request takes, from either face: through the {@link Link}s in order, to an answer,
 * back through the links that let it pass in reverse, and out to the client that asked. This is the one place
 * where a request's outcome becomes the message the client receives (errors mapped, cancellations silenced) and
 * where it is delivered.
 *
 * <p>Threads: a request starts on the thread that read it and stays there while no link needs to block; at the
 * first link that may block for this exchange the rest of the way in (or back) moves to a virtual thread. So a
 * plain forward to a ready upstream costs no thread at all, and the same links run for it as for a list that
 * fans out to every upstream. A link that must wait for something other than the answer (admission, for a slot)
 * returns {@link Decision#resumeWhen}: the request then holds no thread until the rest of the chain is resumed on the
 * thread that completes the wait.
 *
 * <p>Concurrency: immutable after construction; all per-request state is on the {@link Exchange}.
 */
public final class RequestChain {
    private static final Logger log = LoggerFactory.getLogger(RequestChain.class);

    private final Link[] links;
    /** Per link: whether it declares {@code mayBlock} at all (most never block, and are not asked). */
    private final boolean[] asksMayBlock;
    /** Per link: whether it has a way back ({@code onResponse}); the others are skipped on the way back. */
    private final boolean[] hasWayBack;
    private final JsonRpcCodec codec;
    private final RequestLogIds logIds;

    /** @param codec reads a raw result into a tree for links that read bodies */
    public RequestChain(List<Link> links, JsonRpcCodec codec) {
        this(links, codec, new RequestLogIds());
    }

    /**
     * @param codec reads a raw result into a tree for links that read bodies
     * @param logIds whether each step of a request runs with its ids in the logging MDC
     */
    public RequestChain(List<Link> links, JsonRpcCodec codec, RequestLogIds logIds) {
        this.links = links.toArray(Link[]::new);
        this.codec = codec;
        this.logIds = logIds;
        this.asksMayBlock = new boolean[this.links.length];
        this.hasWayBack = new boolean[this.links.length];
        // Looked up once here, so that a request pays only for what its links actually do.
        for (int i = 0; i < this.links.length; i++) {
            asksMayBlock[i] = overrides(this.links[i], "mayBlock", Exchange.class);
            hasWayBack[i] = overrides(this.links[i], "onResponse", Exchange.class, Response.class)
                    || overrides(this.links[i], "readsBodies", Exchange.class);
        }
    }

    private static boolean overrides(Link link, String method, Class<?>... parameters) {
        try {
            return link.getClass().getMethod(method, parameters).getDeclaringClass() != Link.class;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("Link." + method + " is part of the interface", e);
        }
    }

    /** Starts a registered request of {@code client} down the chain; its answer is delivered when it comes. */
    public void start(ClientSession client, InFlight inFlight, Request request) {
        inward(new Exchange(this, client, inFlight, request), 0);
    }

    private void inward(Exchange exchange, int from) {
        RequestLogIds.Saved saved = logIds.put(exchange);
        try {
            inwardFrom(exchange, from);
        } finally {
            RequestLogIds.restore(saved);
        }
    }

    private void inwardFrom(Exchange exchange, int from) {
        boolean onVirtualThread = Thread.currentThread().isVirtual();
        for (int i = from; i < links.length; i++) {
            Link link = links[i];
            Decision decision;
            try {
                if (!onVirtualThread && asksMayBlock[i] && link.mayBlock(exchange)) {
                    int resume = i;
                    Thread.ofVirtual().name("gatekit-request").start(() -> inward(exchange, resume));
                    return;
                }
                decision = link.onRequest(exchange);
            } catch (RuntimeException e) {
                outward(exchange, null, e);
                return;
            }
            switch (decision) {
                case Decision.Proceed(Request modified) -> {
                    exchange.passed = i + 1;
                    if (modified != null) {
                        exchange.request(modified);
                    }
                }
                case Decision.Answer(Response response) -> {
                    outward(exchange, response, null);
                    return;
                }
                case Decision.Later(var answer) -> {
                    // The stage whenComplete returns is dropped: outward handles every outcome, failures included.
                    var _ = answer.whenComplete((response, failure) -> outward(exchange, response, failure));
                    return;
                }
                case Decision.Resume(var ready) -> {
                    int next = i + 1;
                    // As for Later: the dropped stage's outcome is handled here, a failure becoming this link's answer.
                    var _ = ready.whenComplete((ignored, failure) -> {
                        if (failure == null) {
                            exchange.passed = next;
                            inward(exchange, next);
                        } else {
                            outward(exchange, null, failure);
                        }
                    });
                    return;
                }
            }
        }
        outward(exchange, null, new IllegalStateException("no link answered " + exchange.method()));
    }

    /** The answer (or failure) on its way back through the links that let the request pass. */
    private void outward(Exchange exchange, @Nullable Response answer, @Nullable Throwable failure) {
        Response response = failure == null ? answer : toResponse(exchange, failure);
        backFrom(exchange, exchange.passed - 1, response);
    }

    private void backFrom(Exchange exchange, int from, @Nullable Response answer) {
        RequestLogIds.Saved saved = logIds.put(exchange);
        try {
            backThrough(exchange, from, answer);
        } finally {
            RequestLogIds.restore(saved);
        }
    }

    // Identity, not equality: a link that changes a response returns a new one, so the very object it was handed
    // coming back means "unchanged", and the raw bytes go on.
    @SuppressWarnings("ReferenceEquality")
    private void backThrough(Exchange exchange, int from, @Nullable Response answer) {
        Response response = answer;
        boolean onVirtualThread = Thread.currentThread().isVirtual();
        for (int i = from; i >= 0 && response != null && !exchange.isCancelled(); i--) {
            if (!hasWayBack[i]) {
                continue;
            }
            Link link = links[i];
            try {
                if (!onVirtualThread && asksMayBlock[i] && link.mayBlock(exchange)) {
                    int resume = i;
                    Response pending = response;
                    Thread.ofVirtual().name("gatekit-request").start(() -> backFrom(exchange, resume, pending));
                    return;
                }
                if (link.readsBodies(exchange) && response.result() != null) {
                    // The link reads a tree; if it hands that tree back unchanged, the raw bytes go on (no re-encoding).
                    Response raw = response;
                    Response seen = Response.success(response.id(), codec.materialize(response.result()));
                    Response after = link.onResponse(exchange, seen);
                    response = after == seen ? raw : after;
                } else {
                    response = link.onResponse(exchange, response);
                }
            } catch (RuntimeException e) {
                response = toResponse(exchange, e);
            }
        }
        deliver(exchange, response);
    }

    /**
     * Ends the exchange: releases what its links held, forgets the client's id (before answering: once the
     * answer is out the client may reuse the id at once), and sends the answer under the client's own id. A
     * cancelled request gets no answer.
     */
    private static void deliver(Exchange exchange, @Nullable Response response) {
        exchange.closeResources();
        ClientSession client = exchange.client();
        client.finish(exchange.inFlight());
        if (response != null && !exchange.isCancelled()) {
            client.send(response.withId(exchange.inFlight().clientId()));
        }
    }

    /** A notification about the request (progress) back through the links that let it pass, then to the client. */
    void notifyBack(Exchange exchange, Notification notification) {
        RequestLogIds.Saved saved = logIds.put(exchange);
        try {
            Notification message = notification;
            for (int i = exchange.passed - 1; i >= 0 && message != null; i--) {
                message = links[i].onNotification(exchange, message);
            }
            if (message != null) {
                exchange.client().send(message);
            }
        } finally {
            RequestLogIds.restore(saved);
        }
    }

    /**
     * The one mapping from a failure to what the client sees: the exact error a {@link GatewayException} carries,
     * nothing for a cancellation (the client withdrew the request), an internal error (logged) for anything else.
     */
    static @Nullable Response toResponse(Exchange exchange, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return switch (cause) {
            case GatewayException e -> Response.failure(null, e.error());
            case CancellationException e -> null;
            default -> {
                log.error("{} failed", exchange, cause);
                yield Response.failure(null, JsonRpcError.of(ErrorCode.INTERNAL_ERROR,
                        "Internal gateway error handling " + exchange.method() + ": " + cause));
            }
        };
    }
}
