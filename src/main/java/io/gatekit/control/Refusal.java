package io.gatekit.control;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import io.gatekit.jsonrpc.JsonRpcError;
import java.util.OptionalLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Why admission refused a request before it reached an upstream, as the stable error a client sees (ADR 0018):
 * {@code data: {reason, retryAfterMs}} with -32004 for {@code queue_full} and {@code rate_limited}, -32001 for
 * {@code deadline_exceeded}; the message names the setting to raise. The HTTP face answers these with 429 and
 * {@code Retry-After} ({@link #retryAfterMs}).
 */
public enum Refusal {
    /** The ceiling was full and so was its wait queue. */
    QUEUE_FULL("queue_full", ErrorCode.OVERLOADED),
    /** A token bucket (the client's or the upstream's) was empty. */
    RATE_LIMITED("rate_limited", ErrorCode.OVERLOADED),
    /** The request's deadline passed while it waited for a slot. */
    DEADLINE_EXCEEDED("deadline_exceeded", ErrorCode.REQUEST_TIMEOUT);

    /** The retry hint when nothing better is known: roughly how long a queue takes to move on. */
    static final long DEFAULT_RETRY_AFTER_MS = 1000;

    private final String reason;
    private final ErrorCode code;

    Refusal(String reason, ErrorCode code) {
        this.reason = reason;
        this.code = code;
    }

    public String reason() {
        return reason;
    }

    /** The error to answer with. */
    GatewayException error(String message, long retryAfterMs) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("reason", reason);
        data.put("retryAfterMs", Math.max(1, retryAfterMs));
        return new GatewayException(new JsonRpcError(code.code(), message, data));
    }

    /** The retry hint of an admission refusal, or empty for any other error. */
    public static OptionalLong retryAfterMs(JsonRpcError error) {
        JsonNode data = error.data();
        if (data == null || !data.path("retryAfterMs").isIntegralNumber()) {
            return OptionalLong.empty();
        }
        String reason = data.path("reason").asString("");
        for (Refusal refusal : values()) {
            if (refusal.reason.equals(reason) && refusal.code.code() == error.code()) {
                return OptionalLong.of(data.path("retryAfterMs").asLong());
            }
        }
        return OptionalLong.empty();
    }
}
