package io.gatekit.chain;

import io.gatekit.jsonrpc.JsonRpcMessage.Notification;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import org.jspecify.annotations.Nullable;

/**
 * One step every client request goes through, whichever face it came from (the shape of OkHttp's interceptors
 * and Helidon's filters, split into the way in and the way back so that a request needs no thread of its own
 * while it waits for an upstream). On the way in each link decides ({@link Decision}); the answer then flows
 * back through the links that let the request pass, in reverse order, and so do the notifications about the
 * request (progress) that arrive meanwhile.
 *
 * <p>A link says what it needs for a given exchange. When no link needs to block, the whole request runs on
 * the thread that read it and its answer on the thread that read the upstream's, with result bodies passed
 * through as raw bytes; the chain moves to a virtual thread at the first link that may block, and materialises
 * the result before the first link that reads bodies.
 *
 * <p>Concurrency: a link is shared by every exchange and called from many threads at once; its per-request
 * state lives on the {@link Exchange}. {@link #onNotification} runs on an upstream's reader thread and must
 * never block.
 */
public interface Link {

    /** Whether handling {@code exchange} here may block (wait on I/O or another party). */
    default boolean mayBlock(Exchange exchange) {
        return false;
    }

    /** Whether this link reads the result body of {@code exchange} on its way back. */
    default boolean readsBodies(Exchange exchange) {
        return false;
    }

    /** The request on its way in ({@link Exchange#request()}); go on, answer, or answer later. */
    default Decision onRequest(Exchange exchange) {
        return Decision.proceed();
    }

    /** The answer on its way back (the client's id is set later); return it, or another answer. */
    default Response onResponse(Exchange exchange, Response response) {
        return response;
    }

    /** A notification about the request on its way to the client; null drops it. Must not block. */
    default @Nullable Notification onNotification(Exchange exchange, Notification notification) {
        return notification;
    }
}
