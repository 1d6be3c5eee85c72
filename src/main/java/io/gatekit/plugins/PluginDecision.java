package io.gatekit.plugins;

import io.gatekit.jsonrpc.JsonRpcMessage;
import io.gatekit.jsonrpc.JsonRpcMessage.Response;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What a {@link FilterPlugin} decided about one message. Security plugins answer {@link Allow}, {@link Block} or
 * {@link Modify} (a redacted copy, which allows it); middleware answers {@link Pass}, {@link Modify} or
 * {@link Complete}. The reason is what audit records show.
 */
public sealed interface PluginDecision {

    String reason();

    /** Middleware: no opinion; the message goes on unchanged. */
    record Pass() implements PluginDecision {
        @Override
        public String reason() {
            return "";
        }
    }

    /** Security: the message may pass unchanged. */
    record Allow(String reason) implements PluginDecision {
        public Allow {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Security: the message must not pass. A request is answered with an error carrying {@code reason} (and
     * {@code data} when given); a response is replaced by such an error; a notification is dropped.
     */
    record Block(String reason, @Nullable JsonNode data) implements PluginDecision {
        public Block {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The message goes on as {@code message}, a modified copy of the same kind (and, for a request, the same id and method). */
    record Modify(JsonRpcMessage message, String reason) implements PluginDecision {
        public Modify {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A request is answered with {@code response} by the plugin itself; nothing after it runs, no upstream is called. */
    record Complete(Response response, String reason) implements PluginDecision {
        public Complete {
            Objects.requireNonNull(response, "response");
            Objects.requireNonNull(reason, "reason");
        }
    }

    Pass PASS = new Pass();
    Allow ALLOW = new Allow("");

    static PluginDecision pass() {
        return PASS;
    }

    static PluginDecision allow() {
        return ALLOW;
    }

    static PluginDecision allow(String reason) {
        return new Allow(reason);
    }

    static PluginDecision block(String reason) {
        return new Block(reason, null);
    }

    static PluginDecision modify(JsonRpcMessage message, String reason) {
        return new Modify(message, reason);
    }

    static PluginDecision complete(Response response, String reason) {
        return new Complete(response, reason);
    }
}
