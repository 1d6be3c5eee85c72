package io.gatekit.chain;

import io.gatekit.jsonrpc.JsonRpcError;
import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What a {@link Link} decided about a request on its way in: go on (as it is, or with a modified message),
 * answer now (a result or an error; the links before this one still see the answer on its way back), answer
 * later (the last link's upstream call), or go on later (admission's wait for a slot). This generalises the old
 * admission decision: a refusal is an answer.
 */
public sealed interface Decision {

    /** Go on to the next link; {@code modified} replaces the request when it is not null. */
    record Proceed(@Nullable Request modified) implements Decision {}

    /** Answer now; nothing after this link runs. The id is set by the chain. */
    record Answer(Response response) implements Decision {}

    /** The answer arrives later (an upstream call in flight); nothing after this link runs. */
    record Later(CompletableFuture<Response> answer) implements Decision {}

    /**
     * Go on later, holding no thread: the links after this one run when {@code ready} completes, on the thread that
     * completes it. If it fails, the failure is the answer (as if this link had answered it: the links before it see
     * it on the way back; a cancellation gets no answer).
     */
    record Resume(CompletableFuture<?> ready) implements Decision {}

    Proceed PROCEED = new Proceed(null);

    static Decision proceed() {
        return PROCEED;
    }

    static Decision proceedWith(Request modified) {
        return new Proceed(modified);
    }

    static Decision answer(JsonNode result) {
        return new Answer(Response.success(null, result));
    }

    static Decision fail(JsonRpcError error) {
        return new Answer(Response.failure(null, error));
    }

    static Decision later(CompletableFuture<Response> answer) {
        return new Later(answer);
    }

    static Decision resumeWhen(CompletableFuture<?> ready) {
        return new Resume(ready);
    }
}
